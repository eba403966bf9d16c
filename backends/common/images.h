// The images a stack builds from source. Every target whose push script
// builds and pushes images collects them the same way: one build per
// repository, whoever asks for it first.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "frontend/diag/diagnostic.h"
#include "ir/stack.h"

namespace stackc {

/// "pacuna/webapp:4f2a9c1" -> "pacuna/webapp"; digests go too.
std::string ImageRepository(std::string_view image);

/// An image a push script builds and pushes.
struct BuiltImage {
  std::string repository;
  std::string context;     // relative to the stack file's folder
  std::string dockerfile;  // relative to the context, "" for the default
  std::string component;   // the component that builds it (the first one to ask)
};

class BuiltImages {
 public:
  /// `target` starts the diagnostics ("ecs").
  explicit BuiltImages(std::string target) : target_(std::move(target)) {}

  /// Records that `c` runs `image`, built from its `build` context by
  /// component `builder`, and returns the image's repository. A second build
  /// of the same repository from another context or Dockerfile is reported:
  /// the push script builds each repository once.
  std::string Add(const ir::Component& c, std::string_view image, const ir::Value& build, std::string builder,
                  DiagnosticEngine& diags);

  /// Sorted by repository.
  std::vector<BuiltImage> Sorted() const;

 private:
  std::string target_;
  std::map<std::string, BuiltImage> images_;
};

}  // namespace stackc
