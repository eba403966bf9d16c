#include "driver/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace stackc {

namespace fs = std::filesystem;

static std::optional<std::string> ReadWholeFile(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return std::nullopt;
  return text.str();
}

static fs::perms PermissionsFor(FileMode mode) {
  return mode == FileMode::Executable ? fs::perms(0755) : fs::perms(0644);
}

Manifest Manifest::Read(const fs::path& directory) {
  Manifest manifest;
  std::optional<std::string> text = ReadWholeFile(directory / kFileName);
  if (!text) return manifest;
  std::istringstream lines(*text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    size_t space = line.find(' ');
    if (space == std::string::npos) continue;
    manifest.entries.emplace(line.substr(0, space), line.substr(space + 1));
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
// exactly the expected size, without iostreams; a file of another size is
// stale without being read.
FileState CompareWithDisk(const fs::path& path, const MemorySink::File& file) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FileState::Missing;
  struct stat info {};
  FileState state = FileState::Current;
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    state = FileState::Missing;
  } else if (static_cast<size_t>(info.st_size) != file.contents.size() ||
             fs::perms(info.st_mode & 0777) != PermissionsFor(file.mode)) {
    state = FileState::Stale;
  } else {
    std::string existing(file.contents.size() + 1, '\0');
    size_t got = 0;
    // One byte more than expected, to see a file that grew meanwhile.
    while (got < existing.size()) {
      ssize_t n = ::read(fd, existing.data() + got, existing.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        state = FileState::Missing;
        break;
      }
      if (n == 0) break;
      got += static_cast<size_t>(n);
    }
    if (state == FileState::Current &&
        (got != file.contents.size() || existing.compare(0, got, file.contents) != 0)) {
      state = FileState::Stale;
    }
  }
  ::close(fd);
  return state;
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
