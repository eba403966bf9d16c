// The language server's handling of edits that arrive together: checked
// once, after the last, and always before a request that reads the syntax.
// The protocol as a client sees it is tested by tests/lsp.
#include "lsp/server.h"

#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lsp/protocol.h"

namespace stackc::lsp {
namespace {

using nlohmann::json;

constexpr char kUri[] = "file:///nowhere/shop.stack";

json Change(int version, const std::string& text) {
  json change = {{"jsonrpc", "2.0"}, {"method", "textDocument/didChange"}};
  change["params"]["textDocument"] = {{"uri", kUri}, {"version", version}};
  change["params"]["contentChanges"] = json::array({{{"text", text}}});
  return change;
}

std::string Stack(const std::string& app) { return "stack shop\napp " + app + " {\n  image = \"shop/web:1\"\n}\n"; }

std::vector<json> Messages(const std::string& written) {
  std::istringstream in(written);
  std::vector<json> messages;
  while (std::optional<std::string> body = ReadMessage(in)) messages.push_back(json::parse(*body));
  return messages;
}

class LspServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Handle({{"jsonrpc", "2.0"}, {"id", 0}, {"method", "initialize"}, {"params", json::object()}});
    json document = {{"uri", kUri}, {"version", 1}, {"text", Stack("web")}};
    json open = {{"jsonrpc", "2.0"}, {"method", "textDocument/didOpen"}};
    open["params"]["textDocument"] = document;
    server_.Handle(open, /*more_pending=*/true);
    out_.str("");
  }

  std::vector<json> Published() {
    std::vector<json> published;
    for (const json& m : Messages(out_.str())) {
      if (m.value("method", "") == "textDocument/publishDiagnostics") published.push_back(m["params"]);
    }
    return published;
  }

  std::ostringstream out_;
  Server server_{out_};
};

TEST_F(LspServerTest, EditsThatArriveTogetherAreCheckedOnceAfterTheLast) {
  server_.Handle(Change(2, Stack("w")), /*more_pending=*/true);
  server_.Handle(Change(3, Stack("we")), /*more_pending=*/true);
  EXPECT_TRUE(Published().empty());
  server_.Handle(Change(4, Stack("web")), /*more_pending=*/false);
  std::vector<json> published = Published();
  ASSERT_EQ(published.size(), 1u) << out_.str();
  EXPECT_EQ(published[0]["version"], 4);
  EXPECT_EQ(published[0]["uri"], kUri);
}

TEST_F(LspServerTest, ARequestThatReadsTheSyntaxSeesEveryEditBeforeIt) {
  server_.Handle(Change(2, Stack("api")), /*more_pending=*/true);
  // Hover on the component's name, on line 1 after "app ".
  json hover = {{"jsonrpc", "2.0"}, {"id", 7}, {"method", "textDocument/hover"}};
  hover["params"]["textDocument"]["uri"] = kUri;
  hover["params"]["position"] = {{"line", 1}, {"character", 5}};
  server_.Handle(hover, /*more_pending=*/true);
  std::vector<json> messages = Messages(out_.str());
  ASSERT_EQ(messages.size(), 2u) << out_.str();
  EXPECT_EQ(messages[0]["method"], "textDocument/publishDiagnostics") << "checked before answering";
  EXPECT_EQ(messages[0]["params"]["version"], 2);
  EXPECT_EQ(messages[1]["id"], 7);
  EXPECT_NE(messages[1]["result"]["contents"]["value"].get<std::string>().find("app api"), std::string::npos)
      << messages[1];
}

}  // namespace
}  // namespace stackc::lsp
