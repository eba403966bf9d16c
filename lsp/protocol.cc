#include "lsp/protocol.h"

#include <algorithm>
#include <charconv>
#include <istream>
#include <ostream>

namespace stackc::lsp {

std::optional<std::string> ReadMessage(std::istream& in) {
  std::optional<size_t> length;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      if (!length) return std::nullopt;
      std::string body(*length, '\0');
      if (!in.read(body.data(), static_cast<std::streamsize>(body.size()))) return std::nullopt;
      return body;
    }
    constexpr std::string_view kLength = "content-length:";
    std::string name = line.substr(0, std::min(line.size(), kLength.size()));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    if (name != kLength) continue;  // Content-Type and anything else
    std::string_view value = std::string_view(line).substr(kLength.size());
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    size_t parsed = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    // A length no stack file comes near is a broken stream, not a message
    // to allocate for.
    constexpr size_t kMaxLength = size_t{256} << 20;
    if (error != std::errc() || end == value.data() || parsed > kMaxLength) return std::nullopt;
    length = parsed;
  }
  return std::nullopt;
}

void WriteMessage(std::ostream& out, const nlohmann::json& message) {
  // Invalid UTF-8 in a file's text is replaced rather than thrown on.
  std::string body = message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out << "Content-Length: " << body.size() << "\r\n\r\n" << body;
  out.flush();
}

PositionMap::PositionMap(std::string_view text) : text_(text) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') line_starts_.push_back(static_cast<uint32_t>(i + 1));
  }
}

// UTF-8 lead bytes say how long a character is; a character of four bytes
// is two UTF-16 code units (a surrogate pair), any other one.
static size_t Utf8Length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;  // a stray continuation byte or invalid lead: one unit each
}

nlohmann::json PositionMap::Position(uint32_t offset) const {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text_.size()));
  size_t line = static_cast<size_t>(std::upper_bound(line_starts_.begin(), line_starts_.end(), offset) -
                                    line_starts_.begin()) - 1;
  uint32_t character = 0;
  for (size_t i = line_starts_[line]; i < offset;) {
    size_t length = Utf8Length(static_cast<unsigned char>(text_[i]));
    character += length == 4 ? 2 : 1;
    i += length;
  }
  return {{"line", line}, {"character", character}};
}

nlohmann::json PositionMap::Range(uint32_t begin, uint32_t end) const {
  return {{"start", Position(begin)}, {"end", Position(std::max(begin, end))}};
}

uint32_t PositionMap::Offset(uint32_t line, uint32_t character) const {
  if (line >= line_starts_.size()) return static_cast<uint32_t>(text_.size());
  size_t i = line_starts_[line];
  size_t line_end = line + 1 < line_starts_.size() ? line_starts_[line + 1] - 1 : text_.size();
  for (uint32_t units = 0; i < line_end && units < character;) {
    size_t length = Utf8Length(static_cast<unsigned char>(text_[i]));
    units += length == 4 ? 2 : 1;
    i = std::min(i + length, line_end);
  }
  return static_cast<uint32_t>(i);
}

static int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> PathOfUri(std::string_view uri) {
  constexpr std::string_view kScheme = "file://";
  if (!uri.starts_with(kScheme)) return std::nullopt;
  uri.remove_prefix(kScheme.size());
  // file://host/path: only the local host (empty or "localhost") is a path.
  if (uri.starts_with("localhost/")) uri.remove_prefix(9);
  if (!uri.starts_with('/')) return std::nullopt;
  std::string path;
  for (size_t i = 0; i < uri.size(); ++i) {
    if (uri[i] == '%' && i + 2 < uri.size() && HexValue(uri[i + 1]) >= 0 && HexValue(uri[i + 2]) >= 0) {
      path += static_cast<char>(HexValue(uri[i + 1]) * 16 + HexValue(uri[i + 2]));
      i += 2;
    } else {
      path += uri[i];
    }
  }
  return path;
}

std::string UriOfPath(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string uri = "file://";
  for (unsigned char c : path) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 std::string_view("/-._~").find(static_cast<char>(c)) != std::string_view::npos;
    if (plain) {
      uri += static_cast<char>(c);
    } else {
      uri += '%';
      uri += kHex[c >> 4];
      uri += kHex[c & 15];
    }
  }
  return uri;
}

}  // namespace stackc::lsp
