#include "driver/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace stackc {

namespace fs = std::filesystem;

// One open, fstat and read, without iostreams: the manifest of a large
// build lists thousands of files.
static std::optional<std::string> ReadWholeFile(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return std::nullopt;
  }
  std::string text(static_cast<size_t>(info.st_size), '\0');
  size_t got = 0;
  for (;;) {
    if (got == text.size()) text.resize(text.size() * 2 + 4096);  // the file grew
    ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  text.resize(got);
  return text;
}

static fs::perms PermissionsFor(FileMode mode) {
  return mode == FileMode::Executable ? fs::perms(0755) : fs::perms(0644);
}

Manifest Manifest::Read(const fs::path& directory) {
  Manifest manifest;
  std::optional<std::string> text = ReadWholeFile(directory / kFileName);
  if (!text) return manifest;
  std::string_view rest = *text;
  while (!rest.empty()) {
    size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (line.empty() || line[0] == '#') continue;
    size_t space = line.find(' ');
    if (space == std::string_view::npos) continue;
    manifest.entries.emplace_hint(manifest.entries.end(), line.substr(0, space), line.substr(space + 1));
  }
  return manifest;
}

std::string Manifest::Render() const {
  std::string text =
      "# Files stackc wrote into this directory, by target. It reads this list to find\n"
      "# files a build no longer produces (see --prune and --check). Do not edit.\n";
  for (const auto& [target, path] : entries) text += target + " " + path + "\n";
  return text;
}

// A rebuild compares every file it would write with the one on disk, so
// this is on the path of every build: one open, one fstat and a read of
// exactly the expected size plus one byte, without iostreams; a file of
// another size is stale without being read.
FileState CompareWithDisk(const char* path, const MemorySink::File& file) {
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FileState::Missing;
  struct stat info {};
  FileState state = FileState::Current;
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    state = FileState::Missing;
  } else if (static_cast<size_t>(info.st_size) != file.contents.size() ||
             fs::perms(info.st_mode & 0777) != PermissionsFor(file.mode)) {
    state = FileState::Stale;
  } else {
    // One buffer for every comparison: a fresh string per file was a
    // malloc, a fill and a free of a block as large as the file each time.
    thread_local std::vector<char> existing;
    if (existing.size() < file.contents.size() + 1) existing.resize(file.contents.size() + 1);
    size_t got = 0;
    // One byte more than expected, to see a file that grew meanwhile. A
    // regular file reads short only at its end, so a short read is the
    // last one: the usual case takes one read, not a second one for EOF.
    const size_t size = file.contents.size() + 1;
    while (got < size) {
      size_t wanted = size - got;
      ssize_t n = ::read(fd, existing.data() + got, wanted);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        state = FileState::Missing;
        break;
      }
      got += static_cast<size_t>(n);
      if (static_cast<size_t>(n) < wanted) break;
    }
    if (state == FileState::Current &&
        (got != file.contents.size() || std::string_view(existing.data(), got) != file.contents)) {
      state = FileState::Stale;
    }
  }
  ::close(fd);
  return state;
}

FileState CompareWithDisk(const fs::path& path, const MemorySink::File& file) {
  return CompareWithDisk(path.c_str(), file);
}

bool WriteAtomically(const fs::path& path, const std::string& contents, FileMode mode, std::string& error) {
  std::error_code ec;
  if (path.has_parent_path()) {
    fs::create_directories(path.parent_path(), ec);
    if (ec) {
      error = fmt::format("cannot create directory '{}': {}", path.parent_path().string(), ec.message());
      return false;
    }
  }
  fs::path temporary = path;
  temporary += ".stackc-tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << contents;
    out.close();
    if (!out) {
      error = fmt::format("cannot write '{}'", temporary.string());
      fs::remove(temporary, ec);
      return false;
    }
  }
  fs::permissions(temporary, PermissionsFor(mode), ec);
  fs::rename(temporary, path, ec);
  if (ec) {
    error = fmt::format("cannot replace '{}': {}", path.string(), ec.message());
    fs::remove(temporary, ec);
    return false;
  }
  return true;
}

// Make reads '$' as a variable, '#' as a comment and blanks as separators.
static std::string MakeEscape(std::string_view path) {
  std::string out;
  for (char c : path) {
    if (c == '$') out += "$$";
    else if (c == '#' || c == ' ' || c == '\\') out += std::string("\\") + c;
    else out += c;
  }
  return out;
}

std::string RenderDepfile(const std::vector<std::string>& outputs, const std::vector<std::string>& inputs) {
  std::string text;
  for (size_t i = 0; i < outputs.size(); ++i) text += (i ? " \\\n  " : "") + MakeEscape(outputs[i]);
  text += ":";
  for (const std::string& input : inputs) text += " \\\n  " + MakeEscape(input);
  text += "\n";
  for (const std::string& input : inputs) text += "\n" + MakeEscape(input) + ":\n";
  return text;
}

std::string RenderFramed(const GeneratedFiles& files) {
  std::map<std::string, const MemorySink::File*> all;
  for (const auto& [target, generated] : files) {
    for (const auto& [path, file] : generated) all[path] = &file;
  }
  std::string text;
  for (const auto& [path, file] : all) {
    text += fmt::format("==> {}{} <==\n", path, file->mode == FileMode::Executable ? " (executable)" : "");
    text += file->contents;
    if (!file->contents.empty() && file->contents.back() != '\n') text += "\n";
  }
  return text;
}

}  // namespace stackc
