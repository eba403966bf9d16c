// The Language Server Protocol's base layer: messages framed by a
// Content-Length header, and positions counted in UTF-16 code units, which
// is what every client understands (stackc's own ranges are byte offsets).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace stackc::lsp {

/// The body of the next message, or nullopt at the end of the input or on a
/// header without a usable Content-Length (missing, malformed or over 256
/// MiB).
std::optional<std::string> ReadMessage(std::istream& in);

/// Writes `message` with its header and flushes: the client waits for it.
void WriteMessage(std::ostream& out, const nlohmann::json& message);

/// Converts between byte offsets into one text and LSP positions.
class PositionMap {
 public:
  explicit PositionMap(std::string_view text);

  /// {"line", "character"} of `offset` (clamped to the text).
  nlohmann::json Position(uint32_t offset) const;
  /// {"start", "end"} of the bytes [begin, end).
  nlohmann::json Range(uint32_t begin, uint32_t end) const;
  /// The byte offset of an LSP position; positions past the end of a line
  /// or of the text are clamped to it.
  uint32_t Offset(uint32_t line, uint32_t character) const;
  /// The range of the whole text.
  nlohmann::json Whole() const { return Range(0, static_cast<uint32_t>(text_.size())); }

 private:
  std::string_view text_;
  std::vector<uint32_t> line_starts_;
};

/// "file:///a%20b/c.stack" -> "/a b/c.stack"; nullopt for other schemes.
std::optional<std::string> PathOfUri(std::string_view uri);
/// The file: URI of an absolute path.
std::string UriOfPath(std::string_view path);

}  // namespace stackc::lsp
