// Errors that carry a user-facing message (Vietnamese) and a machine code.
#pragma once
#include <stdexcept>
#include <string>

namespace dangbo::base {

/// Kinds of failure, mapped to HTTP statuses by the web tier. `unavailable`: a resource the
/// request needs (the database) cannot be reached now; trying again later may succeed (503).
enum class ErrorKind { bad_request, unauthorized, forbidden, not_found, conflict, internal, unavailable };

/// An error whose what() is a clear Vietnamese sentence fit to show to a user.
/// `code` is a stable machine code (e.g. "member.not_found").
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string code, const std::string& message_vi)
      : std::runtime_error(message_vi), kind_(kind), code_(std::move(code)) {}
  ErrorKind kind() const { return kind_; }
  const std::string& code() const { return code_; }

 private:
  ErrorKind kind_;
  std::string code_;
};

}  // namespace dangbo::base
