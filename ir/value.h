// Values of the IR: evaluated for one profile, but still symbolic where only
// a target can know the answer (a database host is a service name on
// Compose, an RDS endpoint on ECS).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "frontend/source/source_manager.h"

namespace stackc::ir {

/// A piece of text: literal characters, a secret to fetch at deploy time, or
/// a late-bound attribute of a component that each backend lowers: its
/// "host", and for a balancer inside a url, its "port".
struct TextPart {
  enum class Kind { Literal, Secret, Symbol };
  Kind kind = Kind::Literal;
  std::string text;       // Literal: the characters; Secret: its name; Symbol: the component
  std::string attribute;  // Symbol: "host"

  friend bool operator==(const TextPart&, const TextPart&) = default;
};

struct Value {
  // The small members come last, together, so that they share one word: a
  // large stack holds hundreds of thousands of values.
  enum class Kind : uint8_t { None, Text, Int, Bool, Quantity, Duration, Ref, List, Map };
  std::vector<TextPart> text;  // Text
  int64_t number = 0;          // Int; Duration in milliseconds
  double amount = 0;           // Quantity, in bytes or cores
  std::string literal;         // Quantity and Duration as written; Ref: the component
  std::vector<Value> items;    // List
  std::map<std::string, Value> entries;  // Map, sorted by key
  SourceRange origin;          // the expression that produced the value
  Kind kind = Kind::None;
  bool flag = false;  // Bool
  /// Copied from another property (through self, NAME.ATTRIBUTE or a task's
  /// `from`) rather than written here; lints report the original only.
  bool derived = false;

  static Value Text(std::string literal, SourceRange origin = {});
  static Value Int(int64_t number, SourceRange origin = {});
  static Value Bool(bool flag, SourceRange origin = {});

  bool is_none() const { return kind == Kind::None; }
  /// Text without secrets or symbols.
  bool IsLiteralText() const;
  /// The literal characters of a Text, or the value rendered as text
  /// ("3", "true", "10Gi"); secrets and symbols are left out.
  std::string LiteralText() const;
  bool HasSecret() const;
};

void AppendText(std::vector<TextPart>& parts, const TextPart& part);
void AppendText(std::vector<TextPart>& parts, TextPart&& part);

}  // namespace stackc::ir
