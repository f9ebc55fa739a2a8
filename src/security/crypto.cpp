#include "security/crypto.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/error.hpp"

namespace dangbo::security {
using base::Error;
using base::ErrorKind;
namespace fs = std::filesystem;

namespace {
void ensure_sodium() {
  static const int ok = sodium_init();
  if (ok < 0) throw std::runtime_error("libsodium init failed");
}

uint32_t rotl(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

// One 64-byte block of FIPS 180-4 §6.1.2.
void sha1_block(uint32_t h[5], const uint8_t* p) {
  uint32_t w[80];
  for (int i = 0; i < 16; ++i)
    w[i] = uint32_t(p[4 * i]) << 24 | uint32_t(p[4 * i + 1]) << 16 | uint32_t(p[4 * i + 2]) << 8 | uint32_t(p[4 * i + 3]);
  for (int i = 16; i < 80; ++i) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
  for (int i = 0; i < 80; ++i) {
    uint32_t f, k;
    if (i < 20) {
      f = (b & c) | (~b & d);
      k = 0x5A827999;
    } else if (i < 40) {
      f = b ^ c ^ d;
      k = 0x6ED9EBA1;
    } else if (i < 60) {
      f = (b & c) | (b & d) | (c & d);
      k = 0x8F1BBCDC;
    } else {
      f = b ^ c ^ d;
      k = 0xCA62C1D6;
    }
    uint32_t t = rotl(a, 5) + f + e + k + w[i];
    e = d;
    d = c;
    c = rotl(b, 30);
    b = a;
    a = t;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
}

std::string b64(const uint8_t* p, std::size_t n) {
  ensure_sodium();
  std::string out(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), p, n, sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::optional<std::vector<uint8_t>> unb64(std::string_view s) {
  ensure_sodium();
  std::vector<uint8_t> out(s.size() + 1);  // never empty: libsodium wants a non-null buffer
  std::size_t len = 0;
  if (sodium_base642bin(out.data(), out.size(), s.data(), s.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0)
    return std::nullopt;
  out.resize(len);
  return out;
}
}  // namespace

std::array<uint8_t, 20> sha1(std::string_view data) {
  uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  const auto* p = reinterpret_cast<const uint8_t*>(data.data());
  std::size_t n = data.size(), i = 0;
  for (; i + 64 <= n; i += 64) sha1_block(h, p + i);
  // padding: 0x80, zeros, 64-bit big-endian bit length
  uint8_t tail[128] = {};
  std::size_t rest = n - i;
  std::memcpy(tail, p + i, rest);
  tail[rest] = 0x80;
  std::size_t tail_len = rest + 1 + 8 <= 64 ? 64 : 128;
  uint64_t bits = uint64_t(n) * 8;
  for (int k = 0; k < 8; ++k) tail[tail_len - 1 - k] = uint8_t(bits >> (8 * k));
  sha1_block(h, tail);
  if (tail_len == 128) sha1_block(h, tail + 64);
  std::array<uint8_t, 20> out{};
  for (int k = 0; k < 5; ++k) {
    out[4 * k] = uint8_t(h[k] >> 24);
    out[4 * k + 1] = uint8_t(h[k] >> 16);
    out[4 * k + 2] = uint8_t(h[k] >> 8);
    out[4 * k + 3] = uint8_t(h[k]);
  }
  return out;
}

std::array<uint8_t, 20> hmac_sha1(std::string_view key, std::string_view msg) {
  uint8_t k[64] = {};
  if (key.size() > 64) {
    auto d = sha1(key);
    std::memcpy(k, d.data(), d.size());
  } else {
    std::memcpy(k, key.data(), key.size());
  }
  std::string inner(64, '\0'), outer(64, '\0');
  for (int i = 0; i < 64; ++i) {
    inner[i] = char(k[i] ^ 0x36);
    outer[i] = char(k[i] ^ 0x5c);
  }
  inner.append(msg);
  auto ih = sha1(inner);
  outer.append(reinterpret_cast<const char*>(ih.data()), ih.size());
  auto out = sha1(outer);
  sodium_memzero(k, sizeof k);
  sodium_memzero(inner.data(), 64);
  sodium_memzero(outer.data(), 64);
  return out;
}

std::string to_hex(const uint8_t* p, std::size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  s.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    s += d[p[i] >> 4];
    s += d[p[i] & 15];
  }
  return s;
}

static constexpr char kB32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::string base32_encode(std::string_view bytes) {
  std::string out;
  uint32_t buf = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buf = (buf << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out += kB32[(buf >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kB32[(buf << (5 - bits)) & 31];
  return out;
}

std::optional<std::string> base32_decode(std::string_view text) {
  std::string out;
  uint32_t buf = 0;
  int bits = 0;
  for (char ch : text) {
    if (ch == ' ' || ch == '-' || ch == '=' || ch == '\t') continue;
    char c = (ch >= 'a' && ch <= 'z') ? char(ch - 'a' + 'A') : ch;
    const char* p = std::strchr(kB32, c);
    if (!p || c == '\0') return std::nullopt;
    buf = (buf << 5) | uint32_t(p - kB32);
    bits += 5;
    if (bits >= 8) {
      out += char((buf >> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return out;
}

std::string hotp(std::string_view key, uint64_t counter, int digits, OtpHash h) {
  if (digits < 6 || digits > 8) throw std::invalid_argument("hotp: digits must be 6..8");
  char msg[8];
  for (int i = 7; i >= 0; --i) {
    msg[i] = char(counter & 0xff);
    counter >>= 8;
  }
  std::vector<uint8_t> mac;
  if (h == OtpHash::sha1) {
    auto m = hmac_sha1(key, std::string_view(msg, 8));
    mac.assign(m.begin(), m.end());
  } else {
    ensure_sodium();
    // crypto_auth_hmacsha256 takes a fixed 32-byte key; RFC 2104 keys of other lengths go
    // through the init/update/final interface.
    unsigned char m[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(msg), 8);
    crypto_auth_hmacsha256_final(&st, m);
    mac.assign(m, m + sizeof m);
  }
  // dynamic truncation (RFC 4226 §5.3)
  int off = mac.back() & 0x0f;
  uint32_t bin = (uint32_t(mac[off] & 0x7f) << 24) | (uint32_t(mac[off + 1]) << 16) | (uint32_t(mac[off + 2]) << 8) |
                 uint32_t(mac[off + 3]);
  uint32_t mod = 1;
  for (int i = 0; i < digits; ++i) mod *= 10;
  std::string s = std::to_string(bin % mod);
  return std::string(std::size_t(digits) - s.size(), '0') + s;
}

std::string totp(std::string_view key, int64_t unix_seconds, int digits, OtpHash h) {
  return hotp(key, uint64_t(unix_seconds / kTotpStep), digits, h);
}

std::optional<int64_t> totp_match(std::string_view key, std::string_view code, int64_t unix_seconds,
                                  int64_t last_used_step, int window) {
  std::string c;
  for (char ch : code)
    if (ch != ' ' && ch != '-') c += ch;
  if (c.size() != 6 || c.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  int64_t now_step = unix_seconds / kTotpStep;
  std::optional<int64_t> found;
  for (int64_t s = now_step - window; s <= now_step + window; ++s) {
    std::string want = hotp(key, uint64_t(s), 6);
    // compare every candidate in constant time (and do not stop early)
    if (sodium_memcmp(want.data(), c.data(), 6) == 0 && s > last_used_step && !found) found = s;
  }
  return found;
}

std::string otpauth_uri(std::string_view issuer, std::string_view account, std::string_view secret) {
  auto enc = [](std::string_view s) {
    std::string o;
    static const char* hex = "0123456789ABCDEF";
    for (unsigned char c : s) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.') o += char(c);
      else {
        o += '%';
        o += hex[c >> 4];
        o += hex[c & 15];
      }
    }
    return o;
  };
  return "otpauth://totp/" + enc(issuer) + ":" + enc(account) + "?secret=" + std::string(secret) +
         "&issuer=" + enc(issuer) + "&algorithm=SHA1&digits=6&period=30";
}

// ---- Keyring -------------------------------------------------------------------------------

Keyring::~Keyring() { wipe(); }
Keyring::Keyring(const Keyring& o) : keys_(o.keys_) {}
Keyring& Keyring::operator=(const Keyring& o) {
  if (this != &o) {
    wipe();
    keys_ = o.keys_;
  }
  return *this;
}

void Keyring::wipe() {
  for (auto& k : keys_)
    if (!k.bytes.empty()) sodium_memzero(k.bytes.data(), k.bytes.size());
  keys_.clear();
}

std::pair<std::string, std::vector<uint8_t>> Keyring::generate() {
  ensure_sodium();
  std::vector<uint8_t> k(crypto_secretbox_KEYBYTES);
  crypto_secretbox_keygen(k.data());
  return {key_id(k), k};
}

std::string Keyring::key_id(const std::vector<uint8_t>& key) {
  ensure_sodium();
  static const char label[] = "dangbo field key id v1";
  unsigned char h[8];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(label), sizeof label - 1, key.data(),
                     key.size());
  return to_hex(h, sizeof h);
}

Keyring Keyring::load(const fs::path& file) {
  std::ifstream f(file);
  if (!f)
    throw Error(ErrorKind::internal, "keys.unreadable",
                "Không đọc được tệp khóa mã hóa " + file.string() + " (kiểm tra đường dẫn và quyền truy cập)");
  struct stat st{};
  if (::stat(file.c_str(), &st) == 0 && (st.st_mode & 077))
    spdlog::warn("key file {} is readable by group/others (mode {:o}); chmod 600 it", file.string(),
                 st.st_mode & 0777);
  Keyring ring;
  std::string line;
  int lineno = 0;
  while (std::getline(f, line)) {
    ++lineno;
    if (auto h = line.find('#'); h != std::string::npos) line.erase(h);
    std::istringstream ls(line);
    std::string id, key;
    if (!(ls >> id)) continue;
    ls >> key;
    auto bytes = unb64(key);
    if (!bytes || bytes->size() != crypto_secretbox_KEYBYTES || key_id(*bytes) != id)
      throw Error(ErrorKind::internal, "keys.malformed",
                  "Tệp khóa " + file.string() + " hỏng ở dòng " + std::to_string(lineno) +
                      " (cần: MÃ_KHÓA BASE64 của 32 byte, mã khóa khớp với khóa)");
    ring.keys_.push_back({id, std::move(*bytes)});
  }
  if (ring.keys_.empty())
    throw Error(ErrorKind::internal, "keys.empty", "Tệp khóa " + file.string() + " không chứa khóa nào");
  return ring;
}

Keyring Keyring::load_or_create(const fs::path& file) {
  std::error_code ec;
  if (fs::exists(file, ec)) return load(file);
  Keyring ring;
  auto [id, key] = generate();
  ring.keys_.push_back({id, std::move(key)});
  ring.save(file);
  spdlog::info("created field-encryption key file {} (key {}); back it up apart from the database",
               file.string(), id);
  return ring;
}

void Keyring::save(const fs::path& file) const {
  if (file.has_parent_path() && !fs::exists(file.parent_path())) {
    fs::create_directories(file.parent_path());
    fs::permissions(file.parent_path(), fs::perms::owner_all, fs::perm_options::replace);
  }
  std::string body =
      "# dangbo field-encryption keys: KEY_ID BASE64_KEY; the first key is the active one.\n"
      "# Keep this file apart from the database and its backups (mode 0600).\n";
  for (auto& k : keys_) body += k.id + " " + b64(k.bytes.data(), k.bytes.size()) + "\n";
  fs::path tmp = file;
  tmp += ".tmp-" + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw Error(ErrorKind::internal, "keys.write", "Không ghi được tệp khóa " + tmp.string());
  bool ok = ::write(fd, body.data(), body.size()) == ssize_t(body.size()) && ::fsync(fd) == 0;
  ::close(fd);
  sodium_memzero(body.data(), body.size());
  if (!ok || ::rename(tmp.c_str(), file.c_str()) != 0) {
    ::unlink(tmp.c_str());
    throw Error(ErrorKind::internal, "keys.write", "Không ghi được tệp khóa " + file.string());
  }
  if (file.has_parent_path()) {
    int dfd = ::open(file.parent_path().c_str(), O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
  }
}

const std::string& Keyring::active_id() const {
  if (keys_.empty()) throw Error(ErrorKind::internal, "keys.empty", "Chưa nạp khóa mã hóa trường nhạy cảm");
  return keys_.front().id;
}

std::vector<std::string> Keyring::ids() const {
  std::vector<std::string> out;
  for (auto& k : keys_) out.push_back(k.id);
  return out;
}

bool Keyring::has(std::string_view id) const {
  for (auto& k : keys_)
    if (k.id == id) return true;
  return false;
}

void Keyring::add_active(std::vector<uint8_t> key) {
  std::string id = key_id(key);
  for (auto it = keys_.begin(); it != keys_.end(); ++it)
    if (it->id == id) {
      sodium_memzero(it->bytes.data(), it->bytes.size());
      keys_.erase(it);
      break;
    }
  keys_.insert(keys_.begin(), Key{id, std::move(key)});
}

void Keyring::keep_only_active() {
  while (keys_.size() > 1) {
    sodium_memzero(keys_.back().bytes.data(), keys_.back().bytes.size());
    keys_.pop_back();
  }
}

Sealed Keyring::seal(std::string_view plaintext, std::string_view context) const {
  ensure_sodium();
  const Key& k = keys_.empty() ? throw Error(ErrorKind::internal, "keys.empty", "Chưa nạp khóa mã hóa") : keys_.front();
  // message = len(context) as 2 bytes | context | plaintext
  if (context.size() > 0xffff) throw std::invalid_argument("seal: context too long");
  std::string msg;
  msg.reserve(2 + context.size() + plaintext.size());
  msg += char(context.size() >> 8);
  msg += char(context.size() & 0xff);
  msg.append(context).append(plaintext);
  unsigned char nonce[crypto_secretbox_NONCEBYTES];
  randombytes_buf(nonce, sizeof nonce);
  std::vector<uint8_t> ct(msg.size() + crypto_secretbox_MACBYTES);
  crypto_secretbox_easy(ct.data(), reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), nonce,
                        k.bytes.data());
  sodium_memzero(msg.data(), msg.size());
  return Sealed{b64(ct.data(), ct.size()), b64(nonce, sizeof nonce), k.id};
}

std::string Keyring::open(const Sealed& s, std::string_view context) const {
  ensure_sodium();
  const Key* k = nullptr;
  for (auto& x : keys_)
    if (x.id == s.key_id) k = &x;
  if (!k)
    throw Error(ErrorKind::internal, "keys.unknown",
                "Dữ liệu được mã hóa bằng khóa " + s.key_id + " nhưng tệp khóa không có khóa này");
  auto ct = unb64(s.ciphertext);
  auto nonce = unb64(s.nonce);
  if (!ct || !nonce || nonce->size() != crypto_secretbox_NONCEBYTES || ct->size() < crypto_secretbox_MACBYTES + 2)
    throw Error(ErrorKind::internal, "keys.corrupt", "Dữ liệu mã hóa bị hỏng");
  std::string msg(ct->size() - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(msg.data()), ct->data(), ct->size(), nonce->data(),
                                 k->bytes.data()) != 0)
    throw Error(ErrorKind::internal, "keys.corrupt", "Dữ liệu mã hóa bị sửa đổi hoặc sai khóa");
  std::size_t clen = (std::size_t((unsigned char)msg[0]) << 8) | (unsigned char)msg[1];
  if (2 + clen > msg.size() || std::string_view(msg).substr(2, clen) != context) {
    sodium_memzero(msg.data(), msg.size());
    throw Error(ErrorKind::internal, "keys.context", "Dữ liệu mã hóa không thuộc về bản ghi này");
  }
  std::string out = msg.substr(2 + clen);
  sodium_memzero(msg.data(), msg.size());
  return out;
}

// ---- KeyStore ------------------------------------------------------------------------------

KeyStore::KeyStore(fs::path file) : file_(std::move(file)) {
  ring_ = Keyring::load_or_create(file_);
  std::error_code ec;
  mtime_ = fs::last_write_time(file_, ec);
  size_ = fs::file_size(file_, ec);
}

Keyring KeyStore::current() {
  std::lock_guard lock(mu_);
  std::error_code ec;
  auto m = fs::last_write_time(file_, ec);
  auto z = ec ? 0 : fs::file_size(file_, ec);
  if (!ec && (m != mtime_ || z != size_)) {
    ring_ = Keyring::load(file_);
    mtime_ = m;
    size_ = z;
    spdlog::info("field-encryption key file {} reloaded (active key {})", file_.string(), ring_.active_id());
  }
  return ring_;
}

}  // namespace dangbo::security
