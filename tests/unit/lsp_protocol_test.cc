// The language server's base layer: message framing, UTF-16 positions and
// file URIs. The server as a whole is tested end to end by tests/lsp with a
// real LSP client.
#include "lsp/protocol.h"

#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace stackc::lsp {
namespace {

using nlohmann::json;

TEST(LspFraming, ReadsMessagesByTheirContentLengthWhateverTheOtherHeaders) {
  std::istringstream in(
      "Content-Length: 2\r\n\r\n{}"
      "content-type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length:7\r\n\r\n[1,2,3]"
      "Content-Length: 5\r\n\r\nab");
  EXPECT_EQ(ReadMessage(in), "{}");
  EXPECT_EQ(ReadMessage(in), "[1,2,3]");
  EXPECT_EQ(ReadMessage(in), std::nullopt) << "a body cut short";
  std::istringstream no_length("Content-Type: x\r\n\r\n{}");
  EXPECT_EQ(ReadMessage(no_length), std::nullopt);
  std::istringstream bad_length("Content-Length: many\r\n\r\n{}");
  EXPECT_EQ(ReadMessage(bad_length), std::nullopt);
  std::istringstream huge_length("Content-Length: 999999999999\r\n\r\n{}");
  EXPECT_EQ(ReadMessage(huge_length), std::nullopt) << "not an allocation of a terabyte";
}

TEST(LspFraming, WritesWhatItReadsBack) {
  std::ostringstream out;
  json message = {{"jsonrpc", "2.0"}, {"id", 1}, {"result", "é"}};
  WriteMessage(out, message);
  std::istringstream in(out.str());
  std::optional<std::string> body = ReadMessage(in);
  ASSERT_TRUE(body);
  EXPECT_EQ(json::parse(*body), message);
  EXPECT_EQ(out.str().substr(0, 16), "Content-Length: ");
}

// `é` is two bytes and one UTF-16 unit, `𝄞` four bytes and two units.
TEST(LspPositions, CountUtf16CodeUnitsAndConvertBothWays) {
  std::string text = "ab\nxé𝄞z\n\nlast";
  PositionMap map(text);
  auto at = [](int line, int character) { return json{{"line", line}, {"character", character}}; };
  EXPECT_EQ(map.Position(0), at(0, 0));
  EXPECT_EQ(map.Position(2), at(0, 2));
  EXPECT_EQ(map.Position(3), at(1, 0));
  size_t z = text.find('z');
  EXPECT_EQ(map.Position(static_cast<uint32_t>(z)), at(1, 4));
  EXPECT_EQ(map.Offset(1, 4), z);
  EXPECT_EQ(map.Offset(1, 2), text.find("𝄞"));
  EXPECT_EQ(map.Position(static_cast<uint32_t>(text.size())), at(3, 4));
  EXPECT_EQ(map.Position(1000), at(3, 4)) << "clamped to the end";
  EXPECT_EQ(map.Offset(0, 99), 2u) << "clamped to the end of the line";
  EXPECT_EQ(map.Offset(9, 0), text.size()) << "clamped to the end of the text";
  EXPECT_EQ(map.Whole(), (json{{"start", at(0, 0)}, {"end", at(3, 4)}}));
  for (uint32_t offset = 0; offset <= text.size(); ++offset) {
    unsigned char byte = offset < text.size() ? static_cast<unsigned char>(text[offset]) : 0;
    if ((byte & 0xC0) == 0x80) continue;  // inside a character
    json position = map.Position(offset);
    EXPECT_EQ(map.Offset(position["line"], position["character"]), offset) << offset;
  }
}

TEST(LspUris, FileUrisAndPathsConvertBothWays) {
  EXPECT_EQ(PathOfUri("file:///home/me/shop.stack"), "/home/me/shop.stack");
  EXPECT_EQ(PathOfUri("file:///a%20b/c%C3%A9.stack"), "/a b/cé.stack");
  EXPECT_EQ(PathOfUri("file://localhost/x.stack"), "/x.stack");
  EXPECT_EQ(PathOfUri("untitled:Untitled-1"), std::nullopt);
  EXPECT_EQ(PathOfUri("file://server/share/x.stack"), std::nullopt);
  EXPECT_EQ(UriOfPath("/a b/cé.stack"), "file:///a%20b/c%C3%A9.stack");
  for (std::string path : {"/x.stack", "/with space/and#hash%/ü.stack"}) {
    EXPECT_EQ(PathOfUri(UriOfPath(path)), path);
  }
}

}  // namespace
}  // namespace stackc::lsp
