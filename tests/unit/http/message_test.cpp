// Request/Response helpers, codecs and static-file helpers (no sockets).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>

#include "http/http.hpp"
#include "http/static_files.hpp"

namespace dangbo::http {
namespace {

TEST(UrlDecode, DecodesEscapes) {
  EXPECT_EQ(url_decode("a%20b"), "a b");
  EXPECT_EQ(url_decode("%E1%BA%A1"), "\xE1\xBA\xA1");  // ạ
  EXPECT_EQ(url_decode("%2f%2F"), "//");
  EXPECT_EQ(url_decode(""), "");
}

TEST(UrlDecode, BadEscapesAreKeptLiterally) {
  EXPECT_EQ(url_decode("100%"), "100%");
  EXPECT_EQ(url_decode("%"), "%");
  EXPECT_EQ(url_decode("%4"), "%4");
  EXPECT_EQ(url_decode("a%zzb"), "a%zzb");
  EXPECT_EQ(url_decode("%G1%41"), "%G1A");
  EXPECT_EQ(url_decode("%%41"), "%A");
}

TEST(UrlDecode, PlusIsSpaceOnlyInForms) {
  EXPECT_EQ(url_decode("a+b"), "a+b");
  EXPECT_EQ(url_decode("a+b", true), "a b");
  EXPECT_EQ(url_decode("a%2Bb", true), "a+b");
}

TEST(UrlDecode, NulByteIsDecoded) {
  const std::string s = url_decode("a%00b");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[1], '\0');
}

TEST(UrlEncode, EncodesAllButUnreserved) {
  EXPECT_EQ(url_encode("aZ09-_.~"), "aZ09-_.~");
  EXPECT_EQ(url_encode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
  EXPECT_EQ(url_decode(url_encode("Nguyễn Văn A / 100% + x")), "Nguyễn Văn A / 100% + x");
}

TEST(ParseQuery, PairsAndRepeats) {
  auto q = parse_query("a=1&b=x+y&a=2&c&d=&=skip&&e=%3D");
  EXPECT_EQ(q.count("a"), 2u);
  auto [b, e] = q.equal_range("a");
  std::vector<std::string> as;
  for (auto it = b; it != e; ++it) as.push_back(it->second);
  EXPECT_EQ(as, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(q.find("b")->second, "x y");
  EXPECT_EQ(q.find("c")->second, "");
  EXPECT_EQ(q.find("d")->second, "");
  EXPECT_EQ(q.find("e")->second, "=");
  EXPECT_EQ(q.count(""), 0u);
  EXPECT_TRUE(parse_query("").empty());
  EXPECT_EQ(parse_query("?x=1").find("x")->second, "1");
}

TEST(HtmlEscape, EscapesTheFiveCharacters) {
  EXPECT_EQ(html_escape(R"(<a href="x">'&'</a>)"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(html_escape("Đảng viên"), "Đảng viên");
  EXPECT_EQ(html_escape(""), "");
}

TEST(Request, HeadersAreCaseInsensitive) {
  Request r;
  r.headers["Content-Type"] = "text/plain";
  EXPECT_EQ(r.header("content-type"), "text/plain");
  EXPECT_EQ(r.header("CONTENT-TYPE"), "text/plain");
  EXPECT_FALSE(r.header("Accept"));
  r.headers["hx-request"] = "true";
  EXPECT_TRUE(r.is_htmx());
  r.headers["HX-Request"] = "false";
  EXPECT_FALSE(r.is_htmx());
}

TEST(Request, QueryParams) {
  Request r;
  r.query = parse_query("tag=a&tag=b&q=x");
  EXPECT_EQ(r.query_param("q"), "x");
  EXPECT_EQ(r.query_param("tag"), "a");
  EXPECT_FALSE(r.query_param("none"));
  EXPECT_EQ(r.query_params("tag"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(r.query_params("none").empty());
}

TEST(Request, Cookies) {
  Request r;
  EXPECT_FALSE(r.cookie("sid"));
  r.headers["Cookie"] = "theme=dark;  sid=abc123 ; empty=; quoted=\"v 1\"; broken; sid=second";
  EXPECT_EQ(r.cookie("sid"), "abc123");
  EXPECT_EQ(r.cookie("theme"), "dark");
  EXPECT_EQ(r.cookie("empty"), "");
  EXPECT_EQ(r.cookie("quoted"), "v 1");
  EXPECT_FALSE(r.cookie("broken"));
  EXPECT_FALSE(r.cookie("Sid"));  // names are case-sensitive
  EXPECT_FALSE(r.cookie("the"));
}

TEST(Request, FormBody) {
  Request r;
  r.body = "name=Nguy%E1%BB%85n+V%C4%83n+A&role=staff&role=admin";
  r.headers["Content-Type"] = "application/x-www-form-urlencoded; charset=UTF-8";
  auto f = r.form();
  EXPECT_EQ(f["name"], "Nguyễn Văn A");
  EXPECT_EQ(f["role"], "staff");  // first value
  r.headers["Content-Type"] = "multipart/form-data; boundary=x";
  EXPECT_TRUE(r.form().empty());
}

// A file upload from a plain HTML form: its text fields are the form (the CSRF token travels
// this way); file parts are not.
TEST(Request, MultipartFormTextFields) {
  Request r;
  r.headers["Content-Type"] = "multipart/form-data; boundary=\"----b 1\"";
  r.body =
      "------b 1\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok-en\r\n"
      "------b 1\r\ncontent-disposition: form-data; name=\"file\"; filename=\"ds.csv\"\r\nContent-Type: text/csv\r\n\r\n"
      "STT,H\xE1\xBB\x8D\r\n1,A\r\n\r\n"
      "------b 1\r\nContent-Disposition: form-data; name=\"org\"\r\n\r\n26740\r\n"
      "------b 1\r\nContent-Disposition: form-data; name=\"org\"\r\n\r\nsecond\r\n"
      "------b 1--\r\n";
  auto f = r.form();
  EXPECT_EQ(f.size(), 2u);
  EXPECT_EQ(f["csrf"], "tok-en");
  EXPECT_EQ(f["org"], "26740");  // first value
  EXPECT_FALSE(f.count("file"));
  auto parts = parse_multipart(r.body, r.headers["Content-Type"]);
  ASSERT_TRUE(parts.has_value());
  ASSERT_EQ(parts->size(), 4u);
  EXPECT_EQ((*parts)[1].name, "file");
  EXPECT_EQ((*parts)[1].filename, "ds.csv");
  EXPECT_EQ((*parts)[1].content_type, "text/csv");
  EXPECT_EQ((*parts)[1].data, "STT,H\xE1\xBB\x8D\r\n1,A\r\n");  // the file's own line ends kept
  // not multipart, no boundary, cut short: not a form
  EXPECT_FALSE(parse_multipart(r.body, "application/x-www-form-urlencoded"));
  EXPECT_FALSE(parse_multipart(r.body, "multipart/form-data"));
  EXPECT_FALSE(parse_multipart(r.body.substr(0, 60), r.headers["Content-Type"]));
  r.body.resize(60);
  EXPECT_TRUE(r.form().empty());
}

TEST(Response, Factories) {
  auto h = Response::html("<p>x</p>", 201);
  EXPECT_EQ(h.status, 201);
  EXPECT_EQ(h.content_type, "text/html; charset=utf-8");
  auto j = Response::json("{}");
  EXPECT_EQ(j.content_type, "application/json");
  auto t = Response::text("hi");
  EXPECT_EQ(t.content_type, "text/plain; charset=utf-8");
  auto r = Response::redirect("/login?next=%2F");
  EXPECT_EQ(r.status, 303);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Location");
  EXPECT_EQ(r.headers[0].second, "/login?next=%2F");
  EXPECT_EQ(Response::redirect("/x", 302).status, 302);
}

TEST(Response, ProblemIsEscapedJson) {
  auto p = Response::problem(422, "Unprocessable \"x\"", "Dòng 3: <b>ngày</b>\n\\ sai");
  EXPECT_EQ(p.status, 422);
  EXPECT_EQ(p.content_type, "application/problem+json");
  auto v = boost::json::parse(p.body).as_object();
  EXPECT_EQ(v.at("type").as_string(), "about:blank");
  EXPECT_EQ(v.at("title").as_string(), "Unprocessable \"x\"");
  EXPECT_EQ(v.at("status").as_int64(), 422);
  EXPECT_EQ(v.at("detail").as_string(), "Dòng 3: <b>ngày</b>\n\\ sai");
}

TEST(Response, SetHeaderReplaces) {
  Response r;
  r.set_header("X-A", "1");
  r.set_header("x-a", "2");
  r.set_header("X-B", "3");
  ASSERT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(r.headers[0].second, "2");
}

TEST(Response, SetCookie) {
  Response r;
  r.set_cookie("sid", "abc");
  r.set_cookie("pref", "x", 3600, false, true);
  r.set_cookie("sid", "", 0);
  ASSERT_EQ(r.headers.size(), 3u);
  EXPECT_EQ(r.headers[0].first, "Set-Cookie");
  EXPECT_EQ(r.headers[0].second, "sid=abc; Path=/; SameSite=Strict; HttpOnly");
  EXPECT_EQ(r.headers[1].second, "pref=x; Path=/; SameSite=Strict; Max-Age=3600; Secure");
  EXPECT_EQ(r.headers[2].second,
            "sid=; Path=/; SameSite=Strict; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; "
            "HttpOnly");
  EXPECT_THROW(r.set_cookie("bad name", "x"), std::invalid_argument);
  EXPECT_THROW(r.set_cookie("sid", "a;b"), std::invalid_argument);
  EXPECT_THROW(r.set_cookie("sid", "a\r\nSet-Cookie: evil=1"), std::invalid_argument);
}

// ---- static-file helpers ----

class StaticFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    namespace fs = std::filesystem;
    base_ = fs::temp_directory_path() /
            ("dangbo_http_static_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    fs::create_directories(base_ / "static" / "css");
    fs::create_directories(base_ / "static-evil");
    std::ofstream(base_ / "static" / "css" / "app.css") << "body{}";
    std::ofstream(base_ / "static" / ".env") << "secret";
    std::ofstream(base_ / "secret.txt") << "secret";
    std::ofstream(base_ / "static-evil" / "x.css") << "evil";
    fs::create_symlink(base_ / "secret.txt", base_ / "static" / "link.txt");
    fs::create_symlink(base_ / "static" / "css" / "app.css", base_ / "static" / "inside.css");
  }
  void TearDown() override { std::filesystem::remove_all(base_); }
  std::filesystem::path root() const { return base_ / "static"; }
  std::filesystem::path base_;
};

TEST_F(StaticFiles, ResolvesFilesInside) {
  auto p = resolve_static_path(root(), "css/app.css");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->filename(), "app.css");
  EXPECT_TRUE(resolve_static_path(root(), "inside.css"));  // symlink staying inside
}

TEST_F(StaticFiles, RejectsEscapes) {
  EXPECT_FALSE(resolve_static_path(root(), "../secret.txt"));
  EXPECT_FALSE(resolve_static_path(root(), "css/../../secret.txt"));
  EXPECT_FALSE(resolve_static_path(root(), "css/../css/app.css"));  // any ".." is refused
  EXPECT_FALSE(resolve_static_path(root(), "../static-evil/x.css"));
  EXPECT_FALSE(resolve_static_path(root(), (base_ / "secret.txt").string()));  // absolute
  EXPECT_FALSE(resolve_static_path(root(), "link.txt"));                       // symlink out
  EXPECT_FALSE(resolve_static_path(root(), std::string("css/app.css\0x", 13)));
  EXPECT_FALSE(resolve_static_path(root(), "css\\..\\..\\secret.txt"));
  EXPECT_FALSE(resolve_static_path(root(), ".env"));
  EXPECT_FALSE(resolve_static_path(root(), "./css/app.css"));
  EXPECT_FALSE(resolve_static_path(root(), "css//app.css"));
  EXPECT_FALSE(resolve_static_path(root(), "css"));  // a directory
  EXPECT_FALSE(resolve_static_path(root(), ""));
  EXPECT_FALSE(resolve_static_path(root(), "missing.js"));
  EXPECT_FALSE(resolve_static_path(base_ / "nope", "css/app.css"));
}

TEST(StaticHelpers, ContentTypes) {
  EXPECT_EQ(content_type_for("a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("a.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("a.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("f.woff2"), "font/woff2");
  EXPECT_EQ(content_type_for("f.woff"), "font/woff");
  EXPECT_EQ(content_type_for("i.SVG"), "image/svg+xml");
  EXPECT_EQ(content_type_for("i.png"), "image/png");
  EXPECT_EQ(content_type_for("d.json"), "application/json");
  EXPECT_EQ(content_type_for("a.js.map"), "application/json");
  EXPECT_EQ(content_type_for("noext"), "application/octet-stream");
  EXPECT_EQ(content_type_for("x.exe"), "application/octet-stream");
}

TEST(StaticHelpers, ETags) {
  const std::string e = make_etag(255, 16);
  EXPECT_EQ(e, "\"ff-10\"");
  EXPECT_TRUE(etag_matches("\"ff-10\"", e));
  EXPECT_TRUE(etag_matches("W/\"ff-10\"", e));
  EXPECT_TRUE(etag_matches("\"a\", \"ff-10\"", e));
  EXPECT_TRUE(etag_matches("*", e));
  EXPECT_FALSE(etag_matches("\"ff-11\"", e));
  EXPECT_FALSE(etag_matches("", e));
}

TEST(StaticHelpers, HttpDate) {
  EXPECT_EQ(http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
}

}  // namespace
}  // namespace dangbo::http
