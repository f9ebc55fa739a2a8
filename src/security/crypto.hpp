// Small cryptographic pieces dangbo needs beyond libsodium's ready-made functions:
//   - SHA-1 and HMAC-SHA1 (FIPS 180-4, RFC 2104), only for TOTP: authenticator apps expect the
//     SHA-1 variant of RFC 6238, and libsodium has no SHA-1;
//   - HOTP/TOTP (RFC 4226, RFC 6238; SHA-1 or SHA-256) and Base32 (RFC 4648) for secrets;
//   - the field-encryption keyring: libsodium secretbox (XSalsa20-Poly1305) keys kept in a key
//     file outside the database, each with a short public id so rows name the key that sealed them.
#pragma once
#include <array>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dangbo::security {

/// SHA-1 digest (20 bytes) of `data`.
std::array<uint8_t, 20> sha1(std::string_view data);
/// HMAC-SHA1 (RFC 2104) of `msg` under `key` (any length).
std::array<uint8_t, 20> hmac_sha1(std::string_view key, std::string_view msg);
/// Lower-case hex of bytes.
std::string to_hex(const uint8_t* p, std::size_t n);

/// RFC 4648 Base32 (upper case, no padding on output; decoding ignores spaces, '-', padding and
/// case). nullopt on a character outside the alphabet.
std::string base32_encode(std::string_view bytes);
std::optional<std::string> base32_decode(std::string_view text);

enum class OtpHash { sha1, sha256 };

/// HOTP value (RFC 4226 §5.3) for `counter`, `digits` (6–8) long, zero-padded.
std::string hotp(std::string_view key, uint64_t counter, int digits = 6, OtpHash h = OtpHash::sha1);
/// TOTP (RFC 6238) at Unix time `unix_seconds` with a 30-second step.
std::string totp(std::string_view key, int64_t unix_seconds, int digits = 6, OtpHash h = OtpHash::sha1);
inline constexpr int kTotpStep = 30;
/// Checks `code` against the steps now-window … now+window; returns the matching step
/// (unix/30), nullopt when none matches or the step is <= `last_used_step` (no replay).
std::optional<int64_t> totp_match(std::string_view key, std::string_view code, int64_t unix_seconds,
                                  int64_t last_used_step, int window = 1);
/// otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30
std::string otpauth_uri(std::string_view issuer, std::string_view account, std::string_view secret);

/// A sealed value: base64 ciphertext (secretbox: MAC + box), base64 nonce, id of the key.
struct Sealed {
  std::string ciphertext, nonce, key_id;
};

/// Field-encryption keys. The first key is the active one (used to seal); every key in the
/// ring can open what it sealed. Keys never enter the database: only their ids do.
///
/// Key file format (text, mode 0600): one key per line, "KEY_ID BASE64(32 bytes)"; '#' starts a
/// comment; the first key line is the active key.
class Keyring {
 public:
  Keyring() = default;
  ~Keyring();
  Keyring(const Keyring&);
  Keyring& operator=(const Keyring&);

  /// Reads the key file; creates it (parent directory 0700, file 0600, one fresh key) when it
  /// does not exist. Throws base::Error with a clear message when unreadable or malformed.
  static Keyring load_or_create(const std::filesystem::path& file);
  static Keyring load(const std::filesystem::path& file);
  /// Writes the ring atomically (temporary file in the same directory, fsync, rename), mode 0600.
  void save(const std::filesystem::path& file) const;

  /// A fresh random key (not yet in any file).
  static std::pair<std::string, std::vector<uint8_t>> generate();
  /// The id of a key: 16 hex chars of BLAKE2b(key) under a fixed label (reveals nothing).
  static std::string key_id(const std::vector<uint8_t>& key);

  bool empty() const { return keys_.empty(); }
  const std::string& active_id() const;
  std::vector<std::string> ids() const;
  bool has(std::string_view id) const;
  /// Puts `key` first (active); keeps the others.
  void add_active(std::vector<uint8_t> key);
  /// Drops every key but the active one.
  void keep_only_active();

  /// Seals `plaintext` with the active key. `context` (e.g. "member_sensitive:42:discipline") is
  /// sealed with it and checked on open, so a ciphertext copied to another row does not open.
  Sealed seal(std::string_view plaintext, std::string_view context) const;
  /// Opens a sealed value. Throws base::Error(internal) when the key is unknown, the box was
  /// altered, or the context does not match.
  std::string open(const Sealed& s, std::string_view context) const;

 private:
  struct Key {
    std::string id;
    std::vector<uint8_t> bytes;
  };
  std::vector<Key> keys_;
  void wipe();
};

/// The key file as a running server sees it: loaded (or created) at start, and read again when
/// the file changes (after `dangbo keys rotate`), so the server seals with the new key at once.
class KeyStore {
 public:
  explicit KeyStore(std::filesystem::path file);
  /// The current ring (a copy: keys are small). Throws like Keyring::load when the file went bad.
  Keyring current();
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  std::mutex mu_;
  Keyring ring_;
  std::filesystem::file_time_type mtime_{};
  std::uintmax_t size_ = 0;
};

}  // namespace dangbo::security
