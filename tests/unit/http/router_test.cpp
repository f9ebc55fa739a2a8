#include <gtest/gtest.h>

#include "http/http.hpp"

namespace dangbo::http {
namespace {

Handler named(std::string name) {
  return [name](Request&) { return Response::text(name); };
}

Request req(std::string method, std::string target) {
  Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  const auto q = r.target.find('?');
  r.path = url_decode(r.target.substr(0, q));
  return r;
}

std::string run(const Router& router, Request r, bool* mismatch = nullptr) {
  const Handler* h = router.match(r, mismatch);
  if (!h) return "<none>";
  return (*h)(r).body;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router.add("GET", "/", "public", named("home"));
    router.add("GET", "/members", "member.read", named("list"));
    router.add("POST", "/members", "member.edit", named("create"));
    router.add("GET", "/members/{id}", "member.read", named("show"));
    router.add("GET", "/members/new", "member.edit", named("new"));
    router.add("PUT", "/members/{id}", "member.edit", named("update"));
    router.add("GET", "/orgs/{org}/members/{id}", "member.read", named("org-member"));
    router.add("GET", "/files/*", "public", named("files"));
    router.add("GET", "/files/special", "public", named("special"));
  }
  Router router;
};

TEST_F(RouterTest, LiteralAndRoot) {
  EXPECT_EQ(run(router, req("GET", "/")), "home");
  EXPECT_EQ(run(router, req("GET", "/members")), "list");
  EXPECT_EQ(run(router, req("POST", "/members")), "create");
  EXPECT_EQ(run(router, req("GET", "/members?q=x")), "list");
  EXPECT_EQ(run(router, req("GET", "/nothing")), "<none>");
  EXPECT_EQ(run(router, req("GET", "/members/")), "<none>");  // trailing slash is another path
  EXPECT_EQ(run(router, req("GET", "/Members")), "<none>");   // case-sensitive
}

TEST_F(RouterTest, Params) {
  Request r = req("GET", "/members/42");
  ASSERT_NE(router.match(r), nullptr);
  EXPECT_EQ(r.params.at("id"), "42");

  Request r2 = req("GET", "/orgs/HN-01/members/7");
  EXPECT_EQ(run(router, r2), "org-member");
  ASSERT_NE(router.match(r2), nullptr);
  EXPECT_EQ(r2.params.at("org"), "HN-01");
  EXPECT_EQ(r2.params.at("id"), "7");
}

TEST_F(RouterTest, ParamsAreDecodedAfterSplitting) {
  Request r = req("GET", "/members/a%2Fb%20c");
  ASSERT_NE(router.match(r), nullptr);
  EXPECT_EQ(r.params.at("id"), "a/b c");
  Request viet = req("GET", "/members/Nguy%E1%BB%85n");
  ASSERT_NE(router.match(viet), nullptr);
  EXPECT_EQ(viet.params.at("id"), "Nguyễn");
}

TEST_F(RouterTest, EmptyParamDoesNotMatch) {
  EXPECT_EQ(run(router, req("GET", "/orgs//members/7")), "<none>");
}

TEST_F(RouterTest, LiteralBeatsParamWhateverTheOrder) {
  EXPECT_EQ(run(router, req("GET", "/members/new")), "new");
  EXPECT_EQ(run(router, req("GET", "/members/newer")), "show");
  EXPECT_EQ(run(router, req("GET", "/files/special")), "special");
}

TEST_F(RouterTest, Wildcard) {
  Request r = req("GET", "/files/a/b/c%20d.txt");
  ASSERT_NE(router.match(r), nullptr);
  EXPECT_EQ(r.params.at("*"), "a/b/c d.txt");
  Request empty = req("GET", "/files/");
  ASSERT_NE(router.match(empty), nullptr);
  EXPECT_EQ(empty.params.at("*"), "");
  EXPECT_EQ(run(router, req("GET", "/files")), "<none>");
}

TEST_F(RouterTest, HeadFallsBackToGet) {
  EXPECT_EQ(run(router, req("HEAD", "/members/3")), "show");
  Router r2;
  r2.add("HEAD", "/x", "public", named("head"));
  r2.add("GET", "/x", "public", named("get"));
  EXPECT_EQ(run(r2, req("HEAD", "/x")), "head");
}

TEST_F(RouterTest, MethodMismatch) {
  bool mismatch = false;
  EXPECT_EQ(run(router, req("DELETE", "/members/3"), &mismatch), "<none>");
  EXPECT_TRUE(mismatch);
  EXPECT_EQ(run(router, req("DELETE", "/nowhere"), &mismatch), "<none>");
  EXPECT_FALSE(mismatch);
  EXPECT_EQ(run(router, req("GET", "/members/3"), &mismatch), "show");
  EXPECT_FALSE(mismatch);
  EXPECT_EQ(router.allowed_methods(req("DELETE", "/members/3")),
            (std::vector<std::string>{"GET", "HEAD", "PUT"}));
  EXPECT_EQ(router.allowed_methods(req("PATCH", "/members")),
            (std::vector<std::string>{"GET", "HEAD", "POST"}));
  EXPECT_TRUE(router.allowed_methods(req("GET", "/nowhere")).empty());
}

TEST_F(RouterTest, ParamsClearedOnMiss) {
  Request r = req("GET", "/nothing");
  r.params["stale"] = "x";
  EXPECT_EQ(router.match(r), nullptr);
  EXPECT_TRUE(r.params.empty());
}

TEST_F(RouterTest, MatchesDecodedPathWhenTargetIsEmpty) {
  Request r;
  r.method = "GET";
  r.path = "/members/9";
  ASSERT_NE(router.match(r), nullptr);
  EXPECT_EQ(r.params.at("id"), "9");
}

TEST_F(RouterTest, RoutesListed) {
  ASSERT_EQ(router.routes().size(), 9u);
  EXPECT_EQ(router.routes()[3].method, "GET");
  EXPECT_EQ(router.routes()[3].pattern, "/members/{id}");
  EXPECT_EQ(router.routes()[3].rule, "member.read");
}

TEST(Router, RejectsBadPatterns) {
  Router r;
  EXPECT_THROW(r.add("GET", "members", "public", named("x")), std::invalid_argument);
  EXPECT_THROW(r.add("GET", "/a/*/b", "public", named("x")), std::invalid_argument);
  EXPECT_THROW(r.add("GET", "/a/{b", "public", named("x")), std::invalid_argument);
  EXPECT_THROW(r.add("GET", "/a", "public", nullptr), std::invalid_argument);
  EXPECT_TRUE(r.routes().empty());
}

}  // namespace
}  // namespace dangbo::http
