// Puts generated files on disk the way a build tool should: atomically,
// only when changed, remembering what it wrote (a manifest per output
// directory) so that files no longer produced can be reported, checked and
// pruned without ever touching files stackc did not write.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
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
