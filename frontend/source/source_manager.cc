#include "frontend/source/source_manager.h"

#include <algorithm>

namespace stackc {

FileId SourceManager::AddFile(std::string display_name, std::string text, bool on_disk) {
  File file{std::move(display_name), std::move(text), on_disk, {0}};
  for (uint32_t i = 0; i < file.text.size(); ++i) {
    if (file.text[i] == '\n') file.line_starts.push_back(i + 1);
  }
  files_.push_back(std::move(file));
  return static_cast<FileId>(files_.size() - 1);
}

LineColumn SourceManager::Position(FileId file, uint32_t offset) const {
  const File& f = files_.at(file);
  offset = std::min<uint32_t>(offset, f.text.size());
  auto it = std::upper_bound(f.line_starts.begin(), f.line_starts.end(), offset);
  uint32_t line = static_cast<uint32_t>(it - f.line_starts.begin());
  uint32_t column = 1;
  for (uint32_t i = f.line_starts[line - 1]; i < offset; ++i) {
    if ((static_cast<unsigned char>(f.text[i]) & 0xC0) != 0x80) ++column;
  }
  return {line, column};
}

uint32_t SourceManager::LineStartOf(FileId file, uint32_t offset) const {
  const File& f = files_.at(file);
  offset = std::min<uint32_t>(offset, f.text.size());
  auto it = std::upper_bound(f.line_starts.begin(), f.line_starts.end(), offset);
  return *(it - 1);
}

std::string_view SourceManager::LineText(FileId file, uint32_t offset) const {
  const File& f = files_.at(file);
  LineColumn pos = Position(file, offset);
  uint32_t begin = f.line_starts[pos.line - 1];
  uint32_t end = pos.line < f.line_starts.size() ? f.line_starts[pos.line] - 1
                                                 : static_cast<uint32_t>(f.text.size());
  std::string_view line(f.text.data() + begin, end - begin);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace stackc
