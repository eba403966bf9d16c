// Owns the text of every file a compilation reads and turns byte offsets
// into line:column positions, in one place for the CLI and the language server.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stackc {

using FileId = uint32_t;
inline constexpr FileId kNoFile = UINT32_MAX;

/// A half-open byte range [begin, end) in one file. A range with no file
/// stands for the command line (for example a bad `--set`).
struct SourceRange {
  FileId file = kNoFile;
  uint32_t begin = 0;
  uint32_t end = 0;

  bool valid() const { return file != kNoFile; }
  friend bool operator==(const SourceRange&, const SourceRange&) = default;
};

/// 1-based line and 1-based column, counted in characters (code points),
/// which is where an editor puts the cursor for UTF-8 text.
struct LineColumn {
  uint32_t line = 1;
  uint32_t column = 1;
};

class SourceManager {
 public:
  /// `display_name` is what diagnostics print: the path as the user gave it.
  /// `on_disk` is false for modules embedded in the binary.
  FileId AddFile(std::string display_name, std::string text, bool on_disk);

  const std::string& name(FileId file) const { return files_.at(file).name; }
  const std::string& text(FileId file) const { return files_.at(file).text; }
  bool on_disk(FileId file) const { return files_.at(file).on_disk; }

  LineColumn Position(FileId file, uint32_t offset) const;
  /// The text of the line that holds `offset`, without its newline.
  std::string_view LineText(FileId file, uint32_t offset) const;
  /// Offset of the first byte of the line that holds `offset`.
  uint32_t LineStartOf(FileId file, uint32_t offset) const;

 private:
  struct File {
    std::string name;
    std::string text;
    bool on_disk;
    std::vector<uint32_t> line_starts;
  };
  std::vector<File> files_;
};

}  // namespace stackc
