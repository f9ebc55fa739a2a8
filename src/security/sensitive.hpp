// Sensitive member fields (vetting notes, political history, relationships, discipline), kept
// only encrypted (libsodium secretbox) in member_sensitive. Storage and key rotation only:
// who may read or write them is decided by the registry service (Action::read_sensitive /
// edit_sensitive and the organization scope), which also writes the audit entries.
#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "security/crypto.hpp"

namespace soci {
class session;
}

namespace dangbo::security {

/// The kinds, in display order: vetting_notes, political_history, relationships, discipline.
const std::vector<std::string>& sensitive_kinds();
bool is_sensitive_kind(const std::string& kind);

/// Decrypted fields of one member (kind → text); kinds without a row are absent.
/// Throws base::Error(internal) when a row does not open (unknown key, altered ciphertext).
std::map<std::string, std::string> sensitive_read(soci::session& sql, const Keyring& keys, int64_t member_id);
/// Seals and stores one field (an empty text deletes it). Call inside the caller's transaction.
void sensitive_write(soci::session& sql, const Keyring& keys, int64_t member_id, const std::string& kind,
                     const std::string& text, int64_t by_user);

struct RotationReport {
  int64_t fields = 0, totp_secrets = 0;
  std::string new_key_id;
  std::vector<std::string> retired_key_ids;
};
/// Rotates the field key: adds a new active key to the key file (old keys kept), re-encrypts
/// every member_sensitive row and every TOTP secret with it in one transaction, then rewrites
/// the key file with the new key only. A crash at any point leaves data that the key file can
/// still open. Audited.
RotationReport rotate_keys(db::Database& db, const std::filesystem::path& key_file);

}  // namespace dangbo::security
