// YAML output shared by the backends: a small emitter that writes straight
// into a string, so that no value can break out of its field, and one quoting
// policy, so that a string is never read back as a number, a boolean or a
// time (YAML 1.1).
//
// The emitter lays out documents exactly as yaml-cpp 0.7's YAML::Emitter did
// with an indent of 2 (the generated files were first written with it, and
// every byte of them is pinned by golden tests), for the subset the backends
// use: block and flow maps and sequences, string and integer scalars, and
// several documents per file. yaml-cpp decided plain versus quoted with
// regular expressions over every string, which made it most of the cost of a
// build; here the same decisions are made by a single pass over the bytes.
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stackc::yaml {

/// Structure and style markers, streamed like yaml-cpp's manipulators.
/// `Key` and `Value` only make the call sites readable: as in yaml-cpp, a
/// map's entries alternate between key and value. `Flow` and `DoubleQuoted`
/// apply to the next collection or scalar only.
enum Manip { BeginDoc, BeginMap, EndMap, BeginSeq, EndSeq, Key, Value, Flow, DoubleQuoted };

class Emitter {
 public:
  Emitter() = default;
  /// Starts the output with `prefix`, which must be empty or end in a line
  /// break (a file's "# ..." header), as if it had been appended to str().
  explicit Emitter(std::string prefix) : out_(std::move(prefix)), line_start_(out_.size()) {}

  Emitter& operator<<(Manip manip) {
    // Key and Value only make the call sites readable.
    if (manip != Key && manip != Value) Apply(manip);
    return *this;
  }
  Emitter& operator<<(std::string_view text) {
    Scalar(text);
    return *this;
  }
  Emitter& operator<<(const std::string& text) { return *this << std::string_view(text); }
  Emitter& operator<<(const char* text) { return *this << std::string_view(text); }
  template <std::integral T>
    requires(!std::same_as<T, bool> && !std::same_as<T, char>)
  Emitter& operator<<(T number) {
    Integer(static_cast<int64_t>(number));
    return *this;
  }

  /// The text so far, without a final newline.
  const std::string& str() const { return out_; }
  /// Moves the text out, with `suffix` appended; the emitter is done.
  std::string Take(std::string_view suffix) {
    out_.append(suffix);
    return std::move(out_);
  }

 private:
  enum class Node { Scalar, FlowSeq, FlowMap, BlockSeq, BlockMap };
  struct Group {
    bool seq = false;
    bool flow = false;
    bool long_key = false;  // the current key is written "? key"
    bool set_flow = false;  // a Flow marker this group took over
    bool set_quoted = false;
    size_t children = 0;
  };

  friend void String(Emitter& out, std::string_view text);
  void Apply(Manip manip);
  void Scalar(std::string_view text, bool safe_plain = false);
  void Integer(int64_t number);
  void BeginGroup(bool seq);
  void EndGroup(bool seq);
  void Document();
  void Prepare(Node child);
  void PrepareBlockMap(Node child);
  void PrepareFlowMap(Node child);
  void StartedNode();
  bool FlowInEffect() const;
  bool QuotedInEffect() const;

  size_t Column() const { return out_.size() - line_start_; }
  void Newline() {
    out_ += '\n';
    line_start_ = out_.size();
  }
  void IndentTo(size_t column) {
    if (Column() < column) out_.append(column - Column(), ' ');
  }
  void SpaceOrIndentTo(bool space, size_t column) {
    if (space && Column() > 0) out_ += ' ';
    IndentTo(column);
  }
  // yaml-cpp's "last indent": where the items of a flow collection line up.
  size_t LastIndent() const { return groups_.size() <= 1 ? 0 : indent_ - kIndent; }

  static constexpr size_t kIndent = 2;
  std::string out_;
  size_t line_start_ = 0;
  std::vector<Group> groups_;
  size_t indent_ = 0;  // of the current group's entries
  size_t documents_ = 0;
  // Open groups that took over a Flow or DoubleQuoted marker, so that
  // whether one is in effect is known without walking the groups for
  // every scalar.
  size_t flow_groups_ = 0;
  size_t quoted_groups_ = 0;
  // Markers streamed since the last node; a collection takes them over.
  bool next_flow_ = false;
  bool next_quoted_ = false;
  bool next_long_key_ = false;
};

/// True when `text` reads back as the same string unquoted under YAML 1.1
/// and 1.2, in block and flow context.
bool IsSafePlain(std::string_view text);

/// Emits a string scalar, double-quoted unless it is safe plain.
void String(Emitter& out, std::string_view text);

/// "# line" comments for the top of a file, one per line of `text`.
std::string Comment(std::string_view text);

}  // namespace stackc::yaml
