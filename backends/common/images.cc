#include "backends/common/images.h"

#include <fmt/format.h>

namespace stackc {

std::string ImageRepository(std::string_view image) {
  std::string text(image.substr(0, image.find('@')));
  size_t slash = text.rfind('/');
  size_t colon = text.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) text.resize(colon);
  return text;
}

std::string BuiltImages::Add(const ir::Component& c, std::string_view image, const ir::Value& build,
                             std::string builder, DiagnosticEngine& diags) {
  BuiltImage built{ImageRepository(image), build.LiteralText(), c.Text("dockerfile"), std::move(builder)};
  auto [it, fresh] = images_.emplace(built.repository, built);
  if (!fresh && (it->second.context != built.context || it->second.dockerfile != built.dockerfile)) {
    diags.Report(DiagKind::NotExpressibleInTarget, c.OriginOf(&build),
                 fmt::format("{}: {} '{}' builds image '{}' differently from '{}'; push.sh builds it once, as '{}' "
                             "does",
                             target_, ast::KindName(c.kind), c.name, built.repository, it->second.component,
                             it->second.component));
  }
  return built.repository;
}

std::vector<BuiltImage> BuiltImages::Sorted() const {
  std::vector<BuiltImage> sorted;
  for (const auto& [repository, image] : images_) sorted.push_back(image);
  return sorted;
}

}  // namespace stackc
