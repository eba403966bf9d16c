#include "driver/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <iterator>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

#include <fmt/format.h>

// Header-only, inlined: hashing every generated file is on the path of
// every rebuild.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace stackc {

namespace fs = std::filesystem;

// One open, fstat and read, without iostreams: the manifest of a large
// build lists thousands of files.
// `status`, when given, gets the file's status from the same open.
static std::optional<std::string> ReadWholeFile(const fs::path& path, struct stat* status = nullptr) {
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
  if (status) *status = info;
  return text;
}

static fs::perms PermissionsFor(FileMode mode) {
  return mode == FileMode::Executable ? fs::perms(0755) : fs::perms(0644);
}

static uint64_t Nanoseconds(const struct timespec& time) {
  return static_cast<uint64_t>(time.tv_sec) * 1000000000u + static_cast<uint64_t>(time.tv_nsec);
}

static DiskStamp StampOf(const struct stat& info) {
  DiskStamp stamp;
  stamp.size = static_cast<uint64_t>(info.st_size);
  stamp.mtime_ns = Nanoseconds(info.st_mtim);
  stamp.ctime_ns = Nanoseconds(info.st_ctim);
  stamp.inode = static_cast<uint64_t>(info.st_ino);
  stamp.device = static_cast<uint64_t>(info.st_dev);
  stamp.mode = static_cast<uint32_t>(info.st_mode);
  return stamp;
}

std::optional<DiskStamp> StampOf(const char* path) {
  struct stat info {};
  if (::stat(path, &info) != 0) return std::nullopt;
  return StampOf(info);
}

ContentHash HashContents(std::string_view contents) {
  XXH128_hash_t hash = XXH3_128bits(contents.data(), contents.size());
  return {hash.high64, hash.low64};
}

// A header naming the format, then one line a file: the hash, the stamp,
// the path (last, since it may hold spaces).
static constexpr std::string_view kStatCacheHeader = "# stackc stat cache 1: stamps and hashes of the files stackc saw here; safe to delete\n";

StatCache StatCache::Read(const fs::path& directory) {
  StatCache cache;
  struct stat info {};
  std::optional<std::string> text = ReadWholeFile(directory / kFileName, &info);
  if (!text || !std::string_view(*text).starts_with(kStatCacheHeader)) return cache;
  cache.written_ns_ = Nanoseconds(info.st_mtim);
  std::string_view rest = std::string_view(*text).substr(kStatCacheHeader.size());
  while (!rest.empty()) {
    size_t end = rest.find('\n');
    if (end == std::string_view::npos) break;  // cut short: ignore the torn line
    std::string_view line = rest.substr(0, end);
    rest = rest.substr(end + 1);
    Entry entry;
    uint64_t* numbers[] = {&entry.hash.high, &entry.hash.low, &entry.stamp.size, &entry.stamp.mtime_ns,
                           &entry.stamp.ctime_ns, &entry.stamp.inode, &entry.stamp.device};
    bool valid = true;
    const char* at = line.data();
    const char* line_end = line.data() + line.size();
    for (size_t i = 0; i < std::size(numbers) + 1 && valid; ++i) {
      uint64_t mode = 0;
      uint64_t& number = i < std::size(numbers) ? *numbers[i] : mode;
      int base = i < 2 ? 16 : i == std::size(numbers) ? 8 : 10;
      auto [next, error] = std::from_chars(at, line_end, number, base);
      valid = error == std::errc() && next < line_end && *next == ' ';
      at = next + 1;
      if (i == std::size(numbers)) entry.stamp.mode = static_cast<uint32_t>(mode);
    }
    if (!valid || at >= line_end) continue;
    if (cache.IsRacy(entry.stamp)) {
      cache.has_racy_entries_ = true;
      continue;
    }
    cache.entries.insert_or_assign(std::string(at, line_end), entry);
  }
  return cache;
}

std::string StatCache::Render() const {
  std::vector<const std::pair<const std::string, Entry>*> sorted;
  sorted.reserve(entries.size());
  for (const auto& entry : entries) sorted.push_back(&entry);
  std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  std::string text(kStatCacheHeader);
  for (const auto* entry : sorted) {
    const auto& [stamp, hash] = entry->second;
    fmt::format_to(std::back_inserter(text), "{:016x} {:016x} {} {} {} {} {} {:o} {}\n", hash.high, hash.low,
                   stamp.size, stamp.mtime_ns, stamp.ctime_ns, stamp.inode, stamp.device, stamp.mode, entry->first);
  }
  return text;
}

const StatCache::Entry* StatCache::Trusted(std::string_view path) const {
  auto it = entries.find(path);
  return it == entries.end() ? nullptr : &it->second;
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
// this is on the path of every build: one open, one fstat and reads of the
// expected size plus one byte, without iostreams; a file of another size is
// stale without being read.
FileState CompareWithDisk(const char* path, const MemorySink::File& file, DiskStamp* stamp) {
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
    // A fixed buffer, compared piece by piece: a buffer the size of the
    // largest file (megabytes at 5000 components) would be fresh memory,
    // which costs more here than the extra reads.
    char existing[32 * 1024];
    std::string_view expected = file.contents;
    size_t compared = 0;
    // One byte more than expected is asked for, to see a file that grew
    // meanwhile. A regular file reads short only at its end, so a short
    // read is the last one: a small file takes one read, not a second one
    // for EOF.
    for (;;) {
      size_t wanted = std::min(sizeof existing, expected.size() - compared + 1);
      ssize_t n = ::read(fd, existing, wanted);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        state = FileState::Missing;
        break;
      }
      auto got = static_cast<size_t>(n);
      if (compared + got > expected.size() || std::string_view(existing, got) != expected.substr(compared, got)) {
        state = FileState::Stale;
        break;
      }
      compared += got;
      if (got < wanted) break;
    }
    if (state == FileState::Current && compared != expected.size()) state = FileState::Stale;
  }
  if (stamp && state == FileState::Current) *stamp = StampOf(info);
  ::close(fd);
  return state;
}

DiskComparer::~DiskComparer() {
  if (worker_.joinable()) Finish();
}

void DiskComparer::Add(std::string path, std::string_view key, const MemorySink::File& file) {
  std::lock_guard lock(mutex_);
  if (pending_.empty()) pending_.reserve(kBatch);
  pending_.push_back({std::move(path), key, &file, {}});
  if (pending_.size() == kBatch) FlushLocked();
}

void DiskComparer::FlushLocked() {
  if (pending_.empty()) return;
  batches_.push_back(std::make_unique<Batch>(std::move(pending_)));
  pending_.clear();
  if (!worker_.joinable()) {
    worker_ = std::thread([this] { Work(); });
  } else {
    queued_.notify_one();
  }
}

void DiskComparer::Compare(Batch& batch) const {
  for (Job& job : batch) Compare(job);
}

void DiskComparer::Compare(Job& job) const {
  const MemorySink::File& file = *job.file;
  job.check.hash = HashContents(file.contents);
  if (const StatCache::Entry* known = cache_ ? cache_->Trusted(job.key) : nullptr) {
    std::optional<DiskStamp> now = StampOf(job.path.c_str());
    if (!now) {
      job.check.state = FileState::Missing;
      return;
    }
    if (*now == known->stamp) {
      // Unchanged since the last build saw it with that hash.
      bool same = known->hash == job.check.hash && now->size == file.contents.size() &&
                  fs::perms(now->mode & 0777) == PermissionsFor(file.mode);
      job.check.state = same ? FileState::Current : FileState::Stale;
      job.check.stamp = *now;
      return;
    }
  }
  job.check.state = CompareWithDisk(job.path.c_str(), file, &job.check.stamp);
}

void DiskComparer::Work() {
  for (;;) {
    Batch* batch = nullptr;
    {
      std::unique_lock lock(mutex_);
      queued_.wait(lock, [this] { return next_batch_ < batches_.size() || closed_; });
      if (next_batch_ == batches_.size()) return;
      batch = batches_[next_batch_++].get();
    }
    Compare(*batch);
  }
}

std::unordered_map<const MemorySink::File*, FileCheck> DiskComparer::Finish() {
  std::unique_lock lock(mutex_);
  if (worker_.joinable()) {
    FlushLocked();
    closed_ = true;
    lock.unlock();
    queued_.notify_one();
    worker_.join();
    lock.lock();
  } else {
    Compare(pending_);
    batches_.push_back(std::make_unique<Batch>(std::move(pending_)));
    pending_.clear();
  }
  std::unordered_map<const MemorySink::File*, FileCheck> checks;
  for (const auto& batch : batches_) {
    for (const Job& job : *batch) checks.emplace(job.file, job.check);
  }
  return checks;
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
