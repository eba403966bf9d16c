// Puts generated files on disk the way a build tool should: atomically,
// only when changed, remembering what it wrote (a manifest per output
// directory) so that files no longer produced can be reported, checked and
// pruned without ever touching files stackc did not write.
#pragma once

#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
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
FileState CompareWithDisk(const std::filesystem::path& path, const MemorySink::File& file);
FileState CompareWithDisk(const char* path, const MemorySink::File& file);

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

  DiskComparer() = default;
  ~DiskComparer();
  DiskComparer(const DiskComparer&) = delete;
  DiskComparer& operator=(const DiskComparer&) = delete;

  /// Queues `file`, to be found at `path`. The file must stay alive and
  /// unchanged until Finish.
  void Add(std::string path, const MemorySink::File& file);

  /// Waits for every queued comparison and returns the states by file.
  std::unordered_map<const MemorySink::File*, FileState> Finish();

 private:
  struct Job {
    std::string path;
    const MemorySink::File* file;
    FileState state = FileState::Missing;
  };
  using Batch = std::vector<Job>;

  void Flush();
  void Work();
  static void Compare(Batch& batch);

  Batch pending_;  // only the caller's thread touches it
  std::mutex mutex_;
  std::condition_variable queued_;
  std::vector<std::unique_ptr<Batch>> batches_;  // guarded by mutex_, as are the next two
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
