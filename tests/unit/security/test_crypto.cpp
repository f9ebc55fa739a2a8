// SHA-1, HMAC-SHA1, HOTP/TOTP and Base32 against their published test vectors; the keyring
// (secretbox with a bound context, the key file); the token bucket.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "base/error.hpp"
#include "security/crypto.hpp"
#include "security/rate_limit.hpp"

using namespace dangbo::security;
namespace fs = std::filesystem;

namespace {

std::string hex(const std::array<uint8_t, 20>& d) { return to_hex(d.data(), d.size()); }

TEST(Sha1, Fips180Vectors) {
  EXPECT_EQ(hex(sha1("")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(hex(sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(hex(sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(hex(sha1(std::string(1000000, 'a'))), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST(Sha1, PaddingBoundaries) {
  // lengths around the 55/56/64-byte padding edges (values from Python's hashlib)
  const std::pair<int, const char*> v[] = {{55, "cef734ba81a024479e09eb5a75b6ddae62e6abf1"},
                                           {56, "901305367c259952f4e7af8323f480d59f81335b"},
                                           {63, "0ddc4e0cccd9a12850deb5abb0853a4425559fec"},
                                           {64, "bb2fa3ee7afb9f54c6dfb5d021f14b1ffe40c163"},
                                           {65, "78c741ddc482e4cdf8c474a0876347a0905b6233"},
                                           {119, "4300320394f7ee239bcdce7d3b8bcee173a0cd5c"},
                                           {120, "ceb2821639c4b6dcb10bce0e522ca2e608ce056d"}};
  for (auto& [n, want] : v) EXPECT_EQ(hex(sha1(std::string(n, 'x'))), want) << n;
}

TEST(HmacSha1, Rfc2202Vectors) {
  EXPECT_EQ(hex(hmac_sha1(std::string(20, '\x0b'), "Hi There")), "b617318655057264e28bc0b6fb378c8ef146be00");
  EXPECT_EQ(hex(hmac_sha1("Jefe", "what do ya want for nothing?")), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  EXPECT_EQ(hex(hmac_sha1(std::string(20, '\xaa'), std::string(50, '\xdd'))),
            "125d7342b9ac11cd91a39af48aa17b4f63f175d3");
  std::string key25;
  for (int i = 1; i <= 25; ++i) key25 += char(i);
  EXPECT_EQ(hex(hmac_sha1(key25, std::string(50, '\xcd'))), "4c9007f4026250c6bc8414f9bf50c86c2d7235da");
  EXPECT_EQ(hex(hmac_sha1(std::string(20, '\x0c'), "Test With Truncation")), "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04");
  // keys longer than the block are hashed first
  EXPECT_EQ(hex(hmac_sha1(std::string(80, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First")),
            "aa4ae5e15272d00e95705637ce8a3b55ed402112");
  EXPECT_EQ(hex(hmac_sha1(std::string(80, '\xaa'),
                          "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data")),
            "e8e99d0f45237d786d6bbaa7965c7808bbff1a91");
}

TEST(Hotp, Rfc4226AppendixD) {
  const char* want[] = {"755224", "287082", "359152", "969429", "338314",
                        "254676", "287922", "162583", "399871", "520489"};
  for (int i = 0; i < 10; ++i) EXPECT_EQ(hotp("12345678901234567890", i), want[i]) << i;
}

TEST(Totp, Rfc6238AppendixB) {
  const std::string k1 = "12345678901234567890", k256 = "12345678901234567890123456789012";
  const std::tuple<int64_t, const char*, const char*> v[] = {
      {59, "94287082", "46119246"},         {1111111109, "07081804", "68084774"},
      {1111111111, "14050471", "67062674"}, {1234567890, "89005924", "91819424"},
      {2000000000, "69279037", "90698825"}, {20000000000, "65353130", "77737706"}};
  for (auto& [t, s1, s256] : v) {
    EXPECT_EQ(totp(k1, t, 8, OtpHash::sha1), s1) << t;
    EXPECT_EQ(totp(k256, t, 8, OtpHash::sha256), s256) << t;
  }
  // six digits are the last six of the eight
  EXPECT_EQ(totp(k1, 59), "287082");
}

TEST(Totp, MatchAcceptsOneStepOfDriftAndRefusesReplay) {
  const std::string k = "12345678901234567890";
  int64_t now = 1111111111;  // step 37037037
  std::string prev = totp(k, now - 30), cur = totp(k, now), next = totp(k, now + 30), old = totp(k, now - 90);
  EXPECT_EQ(totp_match(k, cur, now, 0), now / 30);
  EXPECT_EQ(totp_match(k, prev, now, 0), now / 30 - 1);
  EXPECT_EQ(totp_match(k, next, now, 0), now / 30 + 1);
  EXPECT_FALSE(totp_match(k, old, now, 0));
  // a code already used (its step <= last used step) is refused
  EXPECT_FALSE(totp_match(k, cur, now, now / 30));
  EXPECT_FALSE(totp_match(k, prev, now, now / 30 - 1));
  EXPECT_EQ(totp_match(k, cur.substr(0, 3) + " " + cur.substr(3), now, 0), now / 30);
  EXPECT_FALSE(totp_match(k, "12345", now, 0));
  EXPECT_FALSE(totp_match(k, "abcdef", now, 0));
  EXPECT_FALSE(totp_match(k, "", now, 0));
}

TEST(Base32, Rfc4648Vectors) {
  const std::pair<const char*, const char*> v[] = {{"", ""},         {"f", "MY"},         {"fo", "MZXQ"},
                                                   {"foo", "MZXW6"}, {"foob", "MZXW6YQ"}, {"fooba", "MZXW6YTB"},
                                                   {"foobar", "MZXW6YTBOI"}};
  for (auto& [plain, enc] : v) {
    EXPECT_EQ(base32_encode(plain), enc);
    EXPECT_EQ(base32_decode(enc), std::string(plain));
  }
  EXPECT_EQ(base32_decode("mzxw6ytboi======"), std::string("foobar"));  // case, padding
  EXPECT_EQ(base32_decode("MZXW 6YTB-OI"), std::string("foobar"));      // spaces, dashes
  EXPECT_FALSE(base32_decode("MZXW1"));                                  // 1 is not in the alphabet
  EXPECT_EQ(otpauth_uri("dangbo", "bí thư", "ABC"),
            "otpauth://totp/dangbo:b%C3%AD%20th%C6%B0?secret=ABC&issuer=dangbo&algorithm=SHA1&digits=6&period=30");
}

struct KeyDir : ::testing::Test {
  fs::path dir;
  void SetUp() override {
    dir = fs::temp_directory_path() / ("dangbo-keys-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
};

TEST_F(KeyDir, KeyFileIsCreatedWithMode0600InA0700Directory) {
  fs::path f = dir / "keys" / "field.key";
  auto ring = Keyring::load_or_create(f);
  struct stat st{};
  ASSERT_EQ(::stat(f.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(f.parent_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  // loading again gives the same key
  auto again = Keyring::load_or_create(f);
  EXPECT_EQ(again.active_id(), ring.active_id());
  auto sealed = ring.seal("Ghi chú thẩm tra", "ctx");
  EXPECT_EQ(again.open(sealed, "ctx"), "Ghi chú thẩm tra");
}

TEST_F(KeyDir, SealOpensOnlyWithItsKeyAndContextAndUnaltered) {
  fs::path f = dir / "k";
  auto ring = Keyring::load_or_create(f);
  auto s = ring.seal("Lịch sử chính trị: trong sạch", "member_sensitive:1:political_history");
  EXPECT_EQ(s.key_id, ring.active_id());
  EXPECT_EQ(ring.open(s, "member_sensitive:1:political_history"), "Lịch sử chính trị: trong sạch");
  // moved to another member or another kind: refused
  EXPECT_THROW(ring.open(s, "member_sensitive:2:political_history"), dangbo::base::Error);
  EXPECT_THROW(ring.open(s, "member_sensitive:1:discipline"), dangbo::base::Error);
  // one changed character of the ciphertext: refused
  auto bad = s;
  bad.ciphertext[5] = bad.ciphertext[5] == 'A' ? 'B' : 'A';
  EXPECT_THROW(ring.open(bad, "member_sensitive:1:political_history"), dangbo::base::Error);
  // another key: refused
  auto other = Keyring::load_or_create(dir / "other");
  EXPECT_THROW(other.open(s, "member_sensitive:1:political_history"), dangbo::base::Error);
  // two seals of the same text differ (random nonce)
  EXPECT_NE(ring.seal("x", "c").ciphertext, ring.seal("x", "c").ciphertext);
}

TEST_F(KeyDir, MalformedKeyFileIsRefusedWithTheLine) {
  fs::create_directories(dir);
  std::ofstream(dir / "bad") << "# comment\nabcdef0123456789 not-base64\n";
  try {
    Keyring::load(dir / "bad");
    FAIL() << "malformed key file accepted";
  } catch (const dangbo::base::Error& e) {
    EXPECT_NE(std::string(e.what()).find("dòng 2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Keyring::load(dir / "missing"), dangbo::base::Error);
}

TEST_F(KeyDir, KeyStoreReloadsAfterTheFileChanges) {
  fs::path f = dir / "k";
  KeyStore store(f);
  auto first = store.current().active_id();
  auto ring = Keyring::load(f);
  ring.add_active(Keyring::generate().second);
  ring.save(f);
  auto now = store.current();
  EXPECT_NE(now.active_id(), first);
  EXPECT_TRUE(now.has(first));  // the old key still opens what it sealed
}

TEST(RateLimiter, TokenBucketRefillsAtTheRate) {
  RateLimiter rl(3, 1.0);  // burst 3, one a second
  auto t0 = RateLimiter::Clock::now();
  EXPECT_EQ(rl.take("a", t0), 0);
  EXPECT_EQ(rl.take("a", t0), 0);
  EXPECT_EQ(rl.take("a", t0), 0);
  EXPECT_EQ(rl.take("a", t0), 1);  // empty: retry after one second
  EXPECT_EQ(rl.take("b", t0), 0);  // other addresses are not affected
  EXPECT_EQ(rl.take("a", t0 + std::chrono::milliseconds(1000)), 0);
  EXPECT_EQ(rl.take("a", t0 + std::chrono::milliseconds(1000)), 1);
  EXPECT_EQ(rl.take("a", t0 + std::chrono::seconds(10)), 0);  // refilled, capped at 3
  RateLimiter slow(2, 10.0 / 60);                                // 10 a minute
  EXPECT_EQ(slow.take("x", t0), 0);
  EXPECT_EQ(slow.take("x", t0), 0);
  EXPECT_EQ(slow.take("x", t0), 6);
  RateLimiter off(0, 1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(off.take("x", t0), 0);
}

TEST(RateLimiter, ManyAddressesDoNotGrowWithoutBound) {
  RateLimiter rl(1, 1.0, 64);
  auto t0 = RateLimiter::Clock::now();
  for (int i = 0; i < 10000; ++i) rl.take("addr" + std::to_string(i), t0);
  // still works, and a fresh address is allowed
  EXPECT_EQ(rl.take("new", t0), 0);
}

}  // namespace
