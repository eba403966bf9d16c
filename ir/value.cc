#include "ir/value.h"

namespace stackc::ir {

Value Value::Text(std::string literal, SourceRange origin) {
  Value v;
  v.kind = Kind::Text;
  if (!literal.empty()) v.text.push_back({TextPart::Kind::Literal, std::move(literal), ""});
  v.origin = origin;
  return v;
}

Value Value::Int(int64_t number, SourceRange origin) {
  Value v;
  v.kind = Kind::Int;
  v.number = number;
  v.origin = origin;
  return v;
}

Value Value::Bool(bool flag, SourceRange origin) {
  Value v;
  v.kind = Kind::Bool;
  v.flag = flag;
  v.origin = origin;
  return v;
}

bool Value::IsLiteralText() const {
  if (kind != Kind::Text) return false;
  for (const TextPart& part : text) {
    if (part.kind != TextPart::Kind::Literal) return false;
  }
  return true;
}

std::string Value::LiteralText() const {
  switch (kind) {
    case Kind::Text: {
      std::string out;
      for (const TextPart& part : text) {
        if (part.kind == TextPart::Kind::Literal) out += part.text;
      }
      return out;
    }
    case Kind::Int: return std::to_string(number);
    case Kind::Bool: return flag ? "true" : "false";
    case Kind::Quantity:
    case Kind::Duration:
    case Kind::Ref: return literal;
    default: return "";
  }
}

bool Value::HasSecret() const {
  for (const TextPart& part : text) {
    if (part.kind == TextPart::Kind::Secret) return true;
  }
  for (const Value& item : items) {
    if (item.HasSecret()) return true;
  }
  for (const auto& [key, entry] : entries) {
    if (entry.HasSecret()) return true;
  }
  return false;
}

void AppendText(std::vector<TextPart>& parts, const TextPart& part) {
  if (part.kind == TextPart::Kind::Literal) {
    if (part.text.empty()) return;
    if (!parts.empty() && parts.back().kind == TextPart::Kind::Literal) {
      parts.back().text += part.text;
      return;
    }
  }
  parts.push_back(part);
}

void AppendText(std::vector<TextPart>& parts, TextPart&& part) {
  if (part.kind == TextPart::Kind::Literal) {
    if (part.text.empty()) return;
    if (!parts.empty() && parts.back().kind == TextPart::Kind::Literal) {
      parts.back().text += part.text;
      return;
    }
  }
  parts.push_back(std::move(part));
}

}  // namespace stackc::ir
