#include "frontend/ast/ast.h"

namespace stackc::ast {

std::string_view KindName(ComponentKind kind) {
  switch (kind) {
    case ComponentKind::App: return "app";
    case ComponentKind::Database: return "database";
    case ComponentKind::Task: return "task";
    case ComponentKind::Balancer: return "balancer";
  }
  return "app";
}

bool Expr::IsPlainString() const {
  if (kind != ExprKind::String) return false;
  for (const StringPart& part : parts) {
    if (part.is_interpolation) return false;
  }
  return true;
}

std::string Expr::PlainString() const {
  std::string text;
  for (const StringPart& part : parts) text += part.text;
  return text;
}

std::string Expr::PathText() const {
  std::string text;
  for (const Ident& segment : path) {
    if (!text.empty()) text += '.';
    text += segment.name;
  }
  return text;
}

}  // namespace stackc::ast
