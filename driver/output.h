// Puts generated files on disk the way a build tool should: atomically,
// only when changed, remembering what it wrote (a manifest per output
// directory) so that files no longer produced can be reported, checked and
// pruned without ever touching files stackc did not write, and what it saw
// of each (a stat cache) so that a rebuild need not read them all.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "backends/backend.h"

namespace stackc {


/// "target path" lines of DIR/.stackc-manifest.
class Manifest {
 public:
  static constexpr std::string_view kFileName = ".stackc-manifest";

  static Manifest Read(const std::filesystem::path& directory);
  std::string Render() const;

  std::set<std::pair<std::string, std::string>> entries;
};

enum class FileState { Current, Missing, Stale };

/// What a file's status on disk says of it. A file whose stamp is the one
/// recorded earlier has not been written, replaced or changed in mode
/// since: every such change sets the change time (ctime), which no program
/// can set back.
struct DiskStamp {
  uint64_t size = 0;
  uint64_t mtime_ns = 0;
  uint64_t ctime_ns = 0;
  uint64_t inode = 0;
  uint64_t device = 0;
  uint32_t mode = 0;  // st_mode: file type and permissions
  bool operator==(const DiskStamp&) const = default;
};
std::optional<DiskStamp> StampOf(const char* path);

/// 128 bits of XXH3 over a file's contents.
struct ContentHash {
  uint64_t high = 0;
  uint64_t low = 0;
  bool operator==(const ContentHash&) const = default;
};
ContentHash HashContents(std::string_view contents);

/// DIR/.stackc-cache: the stamp and content hash of every file the last
/// build wrote or found current. A file whose stamp still matches is
/// compared by its hash, with one stat instead of an open and a read: at
/// 5000 components a rebuild stats 11016 files instead of reading 19 MB.
/// The cache is private to one directory on one machine (device and inode
/// numbers), is never needed for correctness, and belongs in .gitignore.
/// Change times have the kernel clock's granularity, so an entry whose
/// change time is not older than the cache file itself is not trusted:
/// the file may have changed again within the same tick (git calls such
/// entries racy).
class StatCache {
 public:
  static constexpr std::string_view kFileName = ".stackc-cache";
  struct Entry {
    DiskStamp stamp;
    ContentHash hash;
    bool operator==(const Entry&) const = default;
  };

  /// An empty cache when the file is missing or not of this version.
  static StatCache Read(const std::filesystem::path& directory);
  std::string Render() const;

  /// The entry for `path` (relative to the directory) if its stamp can be
  /// trusted to tell whether the file changed.
  const Entry* Trusted(std::string_view path) const;
  /// Whether the file read had entries Trusted does not answer for; writing
  /// the cache again makes them trusted.
  bool has_racy_entries() const { return has_racy_entries_; }

  struct PathHash {
    using is_transparent = void;
    size_t operator()(std::string_view path) const { return std::hash<std::string_view>()(path); }
  };
  std::unordered_map<std::string, Entry, PathHash, std::equal_to<>> entries;

 private:
  bool IsRacy(const DiskStamp& stamp) const { return stamp.ctime_ns >= written_ns_; }

  uint64_t written_ns_ = 0;  // when the cache file read was last changed
  bool has_racy_entries_ = false;
};

/// What comparing a generated file with the disk found: its state, and for
/// a current file its stamp; the hash is of the generated contents.
struct FileCheck {
  FileState state = FileState::Missing;
  DiskStamp stamp;
  ContentHash hash;
};

/// Reads the file at `path` and compares it with `file`, contents and
/// permissions; `stamp`, when given, gets the file's stamp.
FileState CompareWithDisk(const std::filesystem::path& path, const MemorySink::File& file);
FileState CompareWithDisk(const char* path, const MemorySink::File& file, DiskStamp* stamp = nullptr);

/// Compares generated files with the disk on a second thread while the
/// compiler goes on. A rebuild of a large stack opens, stats and reads every
/// output, four system calls per file and a tenth of the run at 1000
/// components; on the second core that waiting overlaps the generation of
/// the files that follow. A small build (fewer than kBatch files) starts no
/// thread and compares at Finish. Nothing is written here: writes wait until
/// every target is generated without errors.
class DiskComparer {
 public:
  static constexpr size_t kBatch = 128;

  /// `cache`, if given, must outlive Finish.
  explicit DiskComparer(const StatCache* cache = nullptr) : cache_(cache) {}
  ~DiskComparer();
  DiskComparer(const DiskComparer&) = delete;
  DiskComparer& operator=(const DiskComparer&) = delete;

  /// Queues `file`, to be found at `path`, known to the cache as `key`.
  /// The file and the key must stay alive and unchanged until Finish.
  /// Safe to call from several threads.
  void Add(std::string path, std::string_view key, const MemorySink::File& file);

  /// Waits for every queued comparison and returns the checks by file.
  std::unordered_map<const MemorySink::File*, FileCheck> Finish();

 private:
  struct Job {
    std::string path;
    std::string_view key;
    const MemorySink::File* file;
    FileCheck check;
  };
  using Batch = std::vector<Job>;

  void FlushLocked();
  void Work();
  void Compare(Batch& batch) const;
  void Compare(Job& job) const;

  const StatCache* cache_;

  std::mutex mutex_;
  std::condition_variable queued_;
  Batch pending_;  // guarded by mutex_, as are the next three
  std::vector<std::unique_ptr<Batch>> batches_;
  size_t next_batch_ = 0;
  bool closed_ = false;
  std::thread worker_;
};

/// Writes `contents` through a temporary file and a rename, so a reader
/// never sees half a file. Returns false, with `error` set, on failure.
bool WriteAtomically(const std::filesystem::path& path, const std::string& contents, FileMode mode,
                     std::string& error);

/// Make syntax (gcc -MD -MP style): every output depends on every input,
/// and each input gets an empty rule so deleting one does not break make.
std::string RenderDepfile(const std::vector<std::string>& outputs, const std::vector<std::string>& inputs);

/// Every file of `files` with a header line naming its path.
std::string RenderFramed(const GeneratedFiles& files);

}  // namespace stackc
