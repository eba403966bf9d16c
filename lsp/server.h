// `stackc lsp`: a language server for stack files over standard input and
// output. It keeps the open documents in memory, checks a document the way
// `stackc check` does on every change (imports not open in the editor come
// from disk) and publishes the same diagnostics the CLI prints; it formats
// with `stackc fmt`'s formatter, answers hover and go-to-definition from the
// syntax trees of the last check, and completes names (completion.h).
#pragma once

#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

namespace stackc {
class Compilation;
}

namespace stackc::lsp {

class Server {
 public:
  explicit Server(std::ostream& out);
  ~Server();

  /// Handles one message from the client. False once the client sent
  /// `exit`. With `more_pending`, edited documents are checked later, when
  /// a message comes without it or a request needs their syntax.
  bool Handle(const nlohmann::json& message, bool more_pending = false);

  /// The process's exit status: 0 when `exit` followed `shutdown`, as the
  /// protocol asks, 1 otherwise.
  int exit_code() const { return shutdown_requested_ ? 0 : 1; }

 private:
  struct Document {
    std::string text;
    int64_t version = 0;
    std::unique_ptr<Compilation> compilation;  // of the last check
  };

  bool HandleOne(const nlohmann::json& message);
  nlohmann::json Dispatch(const std::string& method, const nlohmann::json& params);
  /// Checks the documents edited since the last check.
  void CheckEdited();
  void Notify(const std::string& method, const nlohmann::json& params);
  /// Checks the document without publishing what it found.
  void Check(const std::string& uri, Document& document);
  /// Checks the document and every other open one that imports it, then
  /// publishes the diagnostics of those and of the open modules they import.
  void CheckWithImporters(const std::string& uri);
  void PublishDiagnostics(const std::string& uri, const Document& document);

  nlohmann::json Initialize(const nlohmann::json& params);
  nlohmann::json Formatting(const nlohmann::json& params);
  nlohmann::json Definition(const nlohmann::json& params);
  nlohmann::json Hover(const nlohmann::json& params);
  nlohmann::json Completion(const nlohmann::json& params);
  nlohmann::json Symbols(const nlohmann::json& params);

  Document* Find(const nlohmann::json& params);

  std::ostream& out_;
  std::map<std::string, Document> documents_;
  std::set<std::string> edited_;  // uris opened or changed, not checked since
  bool initialized_ = false;
  bool shutdown_requested_ = false;
};

/// Serves one client on `in` and `out` until it exits or the input ends;
/// returns the exit status.
int Serve(std::istream& in, std::ostream& out);

}  // namespace stackc::lsp
