#include "frontend/parse/parser.h"

#include <charconv>
#include <typeinfo>

#include <fmt/format.h>

#include "StackLexer.h"
#include "StackParser.h"
#include "antlr4-runtime.h"
#include "frontend/parse/lexer.h"

namespace stackc {
namespace {

using grammar::StackLexer;
using grammar::StackParser;

// ANTLR counts code points; diagnostics and the editor speak bytes. This
// maps one to the other, and is the identity for ASCII files.
class OffsetMap {
 public:
  explicit OffsetMap(const std::string& text) : size_(static_cast<uint32_t>(text.size())) {
    bool ascii = true;
    for (unsigned char c : text) ascii = ascii && c < 0x80;
    if (ascii) return;
    for (uint32_t i = 0; i < text.size(); ++i) {
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) byte_of_.push_back(i);
    }
  }
  uint32_t Byte(size_t code_point) const {
    if (byte_of_.empty()) return std::min<uint32_t>(static_cast<uint32_t>(code_point), size_);
    return code_point < byte_of_.size() ? byte_of_[code_point] : size_;
  }

 private:
  uint32_t size_;
  std::vector<uint32_t> byte_of_;
};

std::string DescribeTokenType(size_t type) {
  switch (type) {
    case antlr4::Token::EOF: return "end of file";
    case StackLexer::IDENT: return "a name";
    case StackLexer::STRING: return "a string";
    case StackLexer::INT: return "an integer";
    case StackLexer::UNIT_NUMBER: return "a quantity or duration";
    case StackLexer::DECIMAL: return "a decimal number";
    case StackLexer::LBRACE: return "'{'";
    case StackLexer::RBRACE: return "'}'";
    case StackLexer::LBRACK: return "'['";
    case StackLexer::RBRACK: return "']'";
    case StackLexer::LPAREN: return "'('";
    case StackLexer::RPAREN: return "')'";
    case StackLexer::EQ: return "'='";
    case StackLexer::COMMA: return "','";
    case StackLexer::DOT: return "'.'";
    case StackLexer::COLON: return "':'";
    case StackLexer::TRUE: return "'true'";
    case StackLexer::FALSE: return "'false'";
    case StackLexer::STACK: return "'stack'";
    case StackLexer::IMPORT: return "'import'";
    case StackLexer::PARAM: return "'param'";
    case StackLexer::APP: return "'app'";
    case StackLexer::DATABASE: return "'database'";
    case StackLexer::TASK: return "'task'";
    case StackLexer::BALANCER: return "'balancer'";
    case StackLexer::PROFILE: return "'profile'";
    case StackLexer::TEMPLATE: return "'template'";
    default: return "a token";
  }
}

std::string DescribeToken(const antlr4::Token* token) {
  if (token->getType() == antlr4::Token::EOF) return "end of file";
  return fmt::format("'{}'", token->getText());
}

constexpr std::string_view kDeclaration =
    "a declaration (stack, import, param, app, database, task, balancer, template, profile or a target block "
    "such as ecs)";

// Token sets the grammar expects often enough to deserve one word.
std::string DescribeExpected(const antlr4::misc::IntervalSet& expected) {
  std::vector<size_t> types;
  for (const auto& interval : expected.getIntervals()) {
    for (ssize_t t = interval.a; t <= interval.b; ++t) types.push_back(static_cast<size_t>(t));
  }
  auto has = [&](size_t t) { return std::find(types.begin(), types.end(), t) != types.end(); };
  if (has(StackLexer::STACK) && has(StackLexer::APP) && has(StackLexer::PROFILE)) {
    return std::string(kDeclaration);
  }
  if (has(StackLexer::STRING) && has(StackLexer::INT) && has(StackLexer::LBRACK)) return "a value";
  if (has(StackLexer::IDENT) && has(StackLexer::RBRACE) && types.size() == 2) return "a property or '}'";
  std::vector<std::string> names;
  for (size_t t : types) names.push_back(DescribeTokenType(t));
  if (names.empty()) return "something else";
  if (names.size() == 1) return names[0];
  std::string last = names.back();
  names.pop_back();
  return fmt::format("{} or {}", fmt::join(names, ", "), last);
}

// The visible tokens of one file, EOF last, as the parser reads them.
// ANTLR's CommonTokenStream fills its buffer from a token source one token
// at a time, with a virtual call, a dynamic_cast and a scan past the hidden
// channel for each, which was about a fifth of parsing; these tokens are all
// on the default channel already, held in one vector and numbered by their
// place in it, so this is only an index. It answers as a CommonTokenStream
// over the same tokens would.
class VectorTokenStream : public antlr4::TokenStream {
 public:
  /// `tokens` ends with EOF; `source` made them and outlives the stream.
  VectorTokenStream(std::vector<StackToken> tokens, antlr4::TokenSource* source)
      : tokens_(std::move(tokens)), source_(source) {
    for (size_t i = 0; i < tokens_.size(); ++i) tokens_[i].setTokenIndex(i);
  }

  antlr4::Token* LT(ssize_t k) override {
    if (k == 0) return nullptr;
    if (k < 0) {
      if (static_cast<ssize_t>(p_) + k < 0) return nullptr;
      return &tokens_[static_cast<size_t>(static_cast<ssize_t>(p_) + k)];
    }
    size_t i = p_ + static_cast<size_t>(k) - 1;
    return i < tokens_.size() ? &tokens_[i] : &tokens_.back();
  }
  size_t LA(ssize_t i) override {
    antlr4::Token* token = LT(i);
    return token ? token->getType() : antlr4::Token::INVALID_TYPE;
  }
  void consume() override {
    if (LA(1) == antlr4::Token::EOF) throw antlr4::IllegalStateException("cannot consume EOF");
    ++p_;
  }
  ssize_t mark() override { return 0; }
  void release(ssize_t) override {}
  size_t index() override { return p_; }
  void seek(size_t index) override { p_ = std::min(index, tokens_.size() - 1); }
  size_t size() override { return tokens_.size(); }
  std::string getSourceName() const override { return source_->getSourceName(); }

  antlr4::Token* get(size_t index) const override {
    if (index >= tokens_.size()) {
      throw antlr4::IndexOutOfBoundsException("token index " + std::to_string(index) + " out of range 0.." +
                                              std::to_string(tokens_.size() - 1));
    }
    return const_cast<StackToken*>(&tokens_[index]);
  }
  antlr4::TokenSource* getTokenSource() const override { return source_; }
  std::string getText(const antlr4::misc::Interval& interval) override {
    if (interval.a < 0 || interval.b < 0) return "";
    std::string text;
    for (size_t i = static_cast<size_t>(interval.a); i <= static_cast<size_t>(interval.b) && i < tokens_.size(); ++i) {
      if (tokens_[i].getType() == antlr4::Token::EOF) break;
      text += tokens_[i].text();
    }
    return text;
  }
  std::string getText() override { return getText(antlr4::misc::Interval(0U, tokens_.size() - 1)); }
  std::string getText(antlr4::RuleContext* ctx) override { return getText(ctx->getSourceInterval()); }
  std::string getText(antlr4::Token* start, antlr4::Token* stop) override {
    if (!start || !stop) return "";
    return getText(antlr4::misc::Interval(start->getTokenIndex(), stop->getTokenIndex()));
  }

 private:
  std::vector<StackToken> tokens_;
  antlr4::TokenSource* source_;
  size_t p_ = 0;
};

class SyntaxErrorListener : public antlr4::BaseErrorListener {
 public:
  // The last '{' or '[' before `token` that no '}' or ']' closes.
  static const antlr4::Token* UnclosedBracket(antlr4::Parser* parser, antlr4::Token* token) {
    antlr4::TokenStream* tokens = parser->getTokenStream();
    std::vector<const antlr4::Token*> open;
    for (size_t i = 0; i < token->getTokenIndex(); ++i) {
      const antlr4::Token* t = tokens->get(i);
      if (t->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
      if (t->getType() == StackLexer::LBRACE || t->getType() == StackLexer::LBRACK) open.push_back(t);
      if ((t->getType() == StackLexer::RBRACE || t->getType() == StackLexer::RBRACK) && !open.empty()) open.pop_back();
    }
    return open.empty() ? nullptr : open.back();
  }

  // The n-th token on the default channel before `token`, or null.
  static antlr4::Token* VisibleBefore(antlr4::Parser* parser, antlr4::Token* token, int n) {
    antlr4::TokenStream* tokens = parser->getTokenStream();
    for (ssize_t i = static_cast<ssize_t>(token->getTokenIndex()) - 1; i >= 0; --i) {
      antlr4::Token* candidate = tokens->get(static_cast<size_t>(i));
      if (candidate->getChannel() != antlr4::Token::DEFAULT_CHANNEL) continue;
      if (--n == 0) return candidate;
    }
    return nullptr;
  }

  SyntaxErrorListener(FileId file, const OffsetMap& offsets, DiagnosticEngine& diags)
      : file_(file), offsets_(offsets), diags_(diags) {}

  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending, size_t, size_t,
                   const std::string&, std::exception_ptr error) override {
    auto* parser = dynamic_cast<antlr4::Parser*>(recognizer);
    if (parser == nullptr || offending == nullptr) return;
    antlr4::misc::IntervalSet expected;
    try {
      if (error) std::rethrow_exception(error);
      expected = parser->getExpectedTokens();
    } catch (const antlr4::RecognitionException& e) {
      expected = e.getExpectedTokens();
    } catch (...) {
      expected = parser->getExpectedTokens();
    }
    std::string message =
        fmt::format("expected {}, found {}", DescribeExpected(expected), DescribeToken(offending));
    // A name at the top level starts a target block, so a misspelled keyword
    // (`ap web { }`) fails only at the next token; say what the name may be.
    antlr4::ParserRuleContext* rule = parser->getContext();
    if (rule && dynamic_cast<StackParser::BodyContext*>(rule)) rule = dynamic_cast<antlr4::ParserRuleContext*>(rule->parent);
    if (auto* settings = dynamic_cast<StackParser::SettingsDeclContext*>(rule);
        settings && settings->name && settings->name == VisibleBefore(parser, offending, 1) &&
        offending->getType() != StackLexer::LBRACE) {
      ReportAfterTopLevelName(settings->name, offending);
      return;
    }
    // ANTLR reports what the whole rule could have taken; right after a
    // property's name only '=' or '{' can follow, which is clearer to say.
    antlr4::Token* previous = VisibleBefore(parser, offending, 1);
    antlr4::Token* before_previous = VisibleBefore(parser, offending, 2);
    bool in_body = dynamic_cast<StackParser::BodyContext*>(parser->getContext()) ||
                   dynamic_cast<StackParser::MemberContext*>(parser->getContext());
    bool after_name = in_body && previous && previous->getType() == StackLexer::IDENT &&
                      offending->getType() != StackLexer::EQ &&
                      (!before_previous || before_previous->getType() != StackLexer::EQ);
    if (after_name) {
      message = fmt::format("expected '=' or '{{' after '{}', found {}", previous->getText(), DescribeToken(offending));
    }
    uint32_t begin = offsets_.Byte(offending->getStartIndex());
    uint32_t end = offending->getType() == antlr4::Token::EOF ? begin
                                                             : offsets_.Byte(offending->getStopIndex() + 1);
    const antlr4::Token* unclosed = nullptr;
    if (offending->getType() == antlr4::Token::EOF) {
      // Point just past the last token rather than at an empty last line,
      // and back at the bracket that was never closed.
      if (previous) begin = end = offsets_.Byte(previous->getStopIndex() + 1);
      unclosed = UnclosedBracket(parser, offending);
    }
    static const size_t kDeclarationKeywords[] = {StackLexer::STACK, StackLexer::IMPORT, StackLexer::PARAM,
                                                  StackLexer::APP, StackLexer::DATABASE, StackLexer::TASK,
                                                  StackLexer::BALANCER, StackLexer::PROFILE, StackLexer::TEMPLATE};
    if (std::find(std::begin(kDeclarationKeywords), std::end(kDeclarationKeywords), offending->getType()) !=
        std::end(kDeclarationKeywords)) {
      unclosed = UnclosedBracket(parser, offending);
    }
    Diagnostic& d = diags_.Report(DiagKind::SyntaxError, {file_, begin, end}, message);
    if (unclosed) {
      d.Note({file_, offsets_.Byte(unclosed->getStartIndex()), offsets_.Byte(unclosed->getStopIndex() + 1)},
             fmt::format("to match this '{}'", unclosed->getText()));
    }
    // `port =` with its value forgotten swallows the next property's name.
    if (in_body && offending->getType() == StackLexer::EQ && previous && previous->getType() == StackLexer::IDENT &&
        before_previous && before_previous->getType() == StackLexer::EQ) {
      d.Note({file_, offsets_.Byte(previous->getStartIndex()), offsets_.Byte(previous->getStopIndex() + 1)},
             fmt::format("'{}' was read as the value of the property before it; is that value missing?",
                         previous->getText()));
    }
  }

 private:
  void ReportAfterTopLevelName(const antlr4::Token* name, const antlr4::Token* offending) {
    SourceRange range{file_, offsets_.Byte(name->getStartIndex()), offsets_.Byte(name->getStopIndex() + 1)};
    std::string keyword = ClosestMatch(name->getText(), {"stack", "import", "param", "app", "database", "task",
                                                         "balancer", "template", "profile"});
    if (!keyword.empty()) {
      diags_.Report(DiagKind::SyntaxError, range, fmt::format("expected {}, found '{}'", kDeclaration, name->getText()))
          .Note({}, fmt::format("did you mean '{}'?", keyword))
          .Fix(range, keyword);
      return;
    }
    uint32_t begin = offsets_.Byte(offending->getStartIndex());
    uint32_t end = offending->getType() == antlr4::Token::EOF ? range.end : offsets_.Byte(offending->getStopIndex() + 1);
    if (offending->getType() == antlr4::Token::EOF) begin = range.end;
    diags_.Report(DiagKind::SyntaxError, {file_, begin, end},
                  fmt::format("expected '{{' after '{}', found {}", name->getText(), DescribeToken(offending)))
        .Note(range, fmt::format("a name at the top level starts a target block, such as 'ecs {{ cluster = \"...\" }}'; "
                                 "other declarations start with a keyword"));
  }

  FileId file_;
  const OffsetMap& offsets_;
  DiagnosticEngine& diags_;
};

class AstBuilder {
 public:
  AstBuilder(FileId file, const OffsetMap& offsets, DiagnosticEngine& diags)
      : file_(file), offsets_(offsets), diags_(diags) {}

  ast::Module Build(StackParser::FileContext* tree) {
    ast::Module module;
    module.file = file_;
    for (auto* decl : tree->decls) {
      if (auto* sd = decl->declStack) {
        if (Named(sd->name)) module.stacks.push_back({Ident(sd->name), Range(sd)});
      } else if (auto* id = decl->declImport) {
        if (id->target && id->target->getType() == StackLexer::STRING) {
          ast::ExprPtr target = String(id->target);
          module.imports.push_back({target->PlainString(), TokenRange(id->target), Range(id)});
        }
      } else if (auto* pd = decl->declParam) {
        if (!Named(pd->name)) continue;
        ast::ParamDecl param{Ident(pd->name), std::nullopt, nullptr, Range(pd)};
        if (pd->typeName) param.type = Ident(pd->typeName);
        if (pd->defaultValue) param.default_value = Value(pd->defaultValue);
        module.params.push_back(std::move(param));
      } else if (auto* td = decl->declTemplate) {
        if (!Named(td->name) || !td->base || !td->contents) continue;
        module.templates.push_back({Ident(td->name), Ident(td->base), Body(td->contents), Range(td)});
      } else if (auto* cd = decl->declComponent) {
        if (!Named(cd->name) || !cd->contents) continue;
        ast::ComponentDecl component{Kind(cd->kind), Ident(cd->name), std::nullopt, Body(cd->contents), Range(cd)};
        if (cd->base) component.base = Ident(cd->base);
        module.components.push_back(std::move(component));
      } else if (auto* pf = decl->declProfile) {
        if (!Named(pf->name)) continue;
        ast::ProfileDecl profile{Ident(pf->name), {}, Range(pf)};
        for (auto* o : pf->entries) {
          if (!o->target || !o->assigned) continue;
          profile.overrides.push_back({Path(o->target), Value(o->assigned), Range(o)});
        }
        module.profiles.push_back(std::move(profile));
      } else if (auto* st = decl->declSettings) {
        if (!st->name || !st->contents) continue;
        module.settings.push_back({Ident(st->name), Body(st->contents), Range(st)});
      }
    }
    return module;
  }

 private:
  SourceRange TokenRange(const antlr4::Token* token) const {
    return {file_, offsets_.Byte(token->getStartIndex()), offsets_.Byte(token->getStopIndex() + 1)};
  }
  SourceRange Span(const antlr4::Token* first, const antlr4::Token* last) const {
    return {file_, offsets_.Byte(first->getStartIndex()), offsets_.Byte(last->getStopIndex() + 1)};
  }
  SourceRange Range(antlr4::ParserRuleContext* ctx) const {
    const antlr4::Token* stop = ctx->getStop() ? ctx->getStop() : ctx->getStart();
    uint32_t begin = offsets_.Byte(ctx->getStart()->getStartIndex());
    uint32_t end = stop->getType() == antlr4::Token::EOF ? begin : offsets_.Byte(stop->getStopIndex() + 1);
    return {file_, begin, std::max(begin, end)};
  }
  ast::Ident Ident(const antlr4::Token* token) const { return {token->getText(), TokenRange(token)}; }

  // A token's text without a copy when the lexer made the token; a token
  // that error recovery conjured is antlr4's own, and its text is copied
  // into `storage`.
  static std::string_view TokenText(const antlr4::Token* token, std::string& storage) {
    if (typeid(*token) == typeid(StackToken)) return static_cast<const StackToken*>(token)->text();
    storage = token->getText();
    return storage;
  }
  ast::Ident Ident(StackParser::BaseNameContext* ctx) const {
    const antlr4::Token* word = ctx->word ? ctx->word : ctx->kindName ? ctx->kindName->word : nullptr;
    return {word ? word->getText() : "", Range(ctx)};
  }
  // False when recovery left the name out or conjured it: the syntax error
  // is reported, and a declaration with no name would only echo it.
  static bool Named(StackParser::DeclNameContext* ctx) {
    if (!ctx || ctx->exception || !ctx->getStart() || ctx->getStart() != ctx->getStop()) return false;
    const antlr4::Token* token = ctx->getStart();
    return token->getType() != antlr4::Token::EOF && token->getTokenIndex() != INVALID_INDEX &&
           token->getStartIndex() != INVALID_INDEX;
  }

  ast::Ident Ident(StackParser::DeclNameContext* ctx) const {
    // Named() made sure there is one token; recovery may have left the label.
    const antlr4::Token* token = ctx->word ? ctx->word : ctx->getStart();
    std::string word = token->getText();
    if (token->getType() != StackParser::IDENT) {
      diags_.Report(DiagKind::SyntaxError, Range(ctx), fmt::format("'{}' is a keyword and cannot be used as a name", word));
    }
    return {std::move(word), Range(ctx)};
  }

  static ast::ComponentKind Kind(StackParser::ComponentKindContext* ctx) {
    switch (ctx && ctx->word ? ctx->word->getType() : size_t{StackParser::APP}) {
      case StackParser::DATABASE: return ast::ComponentKind::Database;
      case StackParser::TASK: return ast::ComponentKind::Task;
      case StackParser::BALANCER: return ast::ComponentKind::Balancer;
      default: return ast::ComponentKind::App;
    }
  }

  std::vector<ast::Ident> Path(StackParser::PathContext* ctx) const {
    std::vector<ast::Ident> path;
    path.reserve(ctx->parts.size());
    for (const antlr4::Token* token : ctx->parts) path.push_back(Ident(token));
    return path;
  }

  ast::Block Body(StackParser::BodyContext* ctx) const {
    ast::Block block{{}, Range(ctx)};
    for (auto* member : ctx->members) {
      if (!member->name) continue;
      if (member->eq) {
        if (!member->assigned) continue;
        block.members.push_back({Ident(member->name), Value(member->assigned), nullptr, Range(member)});
      } else if (member->block) {
        block.members.push_back(
            {Ident(member->name), nullptr, std::make_unique<ast::Block>(Body(member->block)), Range(member)});
      }
    }
    return block;
  }

  // The labelled alternative a value is. The generated contexts have no
  // subclasses, so comparing the exact type is what dynamic_cast found, at
  // a fraction of its cost over the many values of a large stack.
  template <typename Alternative, typename Rule>
  static Alternative* As(Rule* ctx) {
    return typeid(*ctx) == typeid(Alternative) ? static_cast<Alternative*>(ctx) : nullptr;
  }

  ast::ExprPtr Value(StackParser::ValueContext* ctx) const {
    if (auto* s = As<StackParser::StringValueContext>(ctx)) return String(s->text);
    auto expr = std::make_unique<ast::Expr>();
    // From the value's own tokens: after recovery the rule's context can
    // also hold the token that was skipped before it.
    expr->range = Range(ctx);
    const antlr4::Token* open = nullptr;
    const antlr4::Token* close = nullptr;
    if (auto* list = As<StackParser::ListValueContext>(ctx)) {
      open = list->open;
      close = list->close;
    } else if (auto* map = As<StackParser::MapValueContext>(ctx)) {
      open = map->open;
      close = map->close;
    }
    if (open && close && close->getTokenIndex() != INVALID_INDEX) {
      expr->range = Span(open, close);
    } else if (ctx->getStop() && ctx->getStop() == ctx->getStart()) {
      expr->range = TokenRange(ctx->getStart());
    } else if (As<StackParser::IntValueContext>(ctx) || As<StackParser::UnitValueContext>(ctx) ||
               As<StackParser::DecimalValueContext>(ctx) || As<StackParser::BoolValueContext>(ctx)) {
      expr->range = TokenRange(ctx->getStop());
    }
    if (auto* i = As<StackParser::IntValueContext>(ctx)) {
      std::string text = i->number->getText();
      int64_t value = 0;
      auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc() || ptr != text.data() + text.size()) {
        diags_.Report(DiagKind::IntegerOutOfRange, expr->range,
                      fmt::format("integer '{}' does not fit in 64 bits", text));
      }
      expr->kind = ast::ExprKind::Int;
      expr->int_value = value;
    } else if (auto* u = As<StackParser::UnitValueContext>(ctx)) {
      expr->kind = ast::ExprKind::Unit;
      expr->unit_text = u->quantity->getText();
    } else if (auto* d = As<StackParser::DecimalValueContext>(ctx)) {
      // A number without a unit is a quantity of base units (cpu = 0.5).
      expr->kind = ast::ExprKind::Unit;
      expr->unit_text = d->decimal->getText();
    } else if (auto* b = As<StackParser::BoolValueContext>(ctx)) {
      expr->kind = ast::ExprKind::Bool;
      expr->bool_value = b->truth->getType() == StackParser::TRUE;
    } else if (auto* l = As<StackParser::ListValueContext>(ctx)) {
      expr->kind = ast::ExprKind::List;
      for (auto* item : l->items) expr->items.push_back(Value(item));
    } else if (auto* m = As<StackParser::MapValueContext>(ctx)) {
      expr->kind = ast::ExprKind::Map;
      for (auto* entry : m->entries) {
        if (!entry->key || !entry->assigned) continue;
        ast::Ident key = Ident(entry->key);
        if (entry->key->getType() == StackLexer::STRING) key.name = String(entry->key)->PlainString();
        expr->entries.push_back({std::move(key), Value(entry->assigned)});
      }
    } else if (auto* p = As<StackParser::PathValueContext>(ctx)) {
      if (!p->call) {
        expr->kind = ast::ExprKind::Path;
        if (p->target) expr->path = Path(p->target);
      } else {
        expr->kind = ast::ExprKind::Call;
        std::vector<ast::Ident> callee = p->target ? Path(p->target) : std::vector<ast::Ident>{};
        if (callee.size() > 1) {
          std::string written = callee.front().name;
          for (size_t k = 1; k < callee.size(); ++k) written += "." + callee[k].name;
          diags_.Report(DiagKind::SyntaxError, Range(p->target),
                        fmt::format("'{}' cannot be called: only functions, such as secret(\"name\"), can", written));
        }
        if (!callee.empty()) expr->callee = callee.front();
        for (auto* arg : p->call->items) expr->items.push_back(Value(arg));
      }
    }
    return expr;
  }

  // Decodes escapes and splits out ${...} interpolations, keeping the byte
  // range of each piece for diagnostics.
  ast::ExprPtr String(const antlr4::Token* token) const {
    auto expr = std::make_unique<ast::Expr>();
    expr->kind = ast::ExprKind::String;
    expr->range = TokenRange(token);
    std::string storage;
    const std::string_view text = TokenText(token, storage);
    uint32_t base = expr->range.begin;
    size_t end = text.size() > 1 && text.back() == '"' ? text.size() - 1 : text.size();
    ast::StringPart literal;
    size_t literal_begin = 1;
    auto flush = [&](size_t at) {
      if (!literal.text.empty()) {
        literal.range = {file_, base + static_cast<uint32_t>(literal_begin), base + static_cast<uint32_t>(at)};
        expr->parts.push_back(std::move(literal));
      }
      literal = ast::StringPart{};
      literal_begin = at;
    };
    for (size_t i = 1; i < end; ++i) {
      char c = text[i];
      if (c != '\\' && c != '$') {
        // A run of plain characters at once rather than one by one.
        size_t run = i + 1;
        while (run < end && text[run] != '\\' && text[run] != '$') ++run;
        literal.text.append(text, i, run - i);
        i = run - 1;
        continue;
      }
      if (c == '\\' && i + 1 < end) {
        char next = text[i + 1];
        switch (next) {
          case 'n': literal.text += '\n'; break;
          case 't': literal.text += '\t'; break;
          case '"': case '\\': case '$': literal.text += next; break;
          default:
            diags_.Report(DiagKind::InvalidEscape,
                          {file_, base + static_cast<uint32_t>(i), base + static_cast<uint32_t>(i + 2)},
                          fmt::format("unknown escape sequence '\\{}'", next))
                .Note({}, "the escapes are \\\", \\\\, \\$, \\n and \\t");
            literal.text += next;
        }
        ++i;
        continue;
      }
      if (c == '$' && i + 1 < end && text[i + 1] == '{') {
        flush(i);
        size_t close = text.find('}', i + 2);
        SourceRange whole{file_, base + static_cast<uint32_t>(i),
                          base + static_cast<uint32_t>(close == std::string::npos || close > end ? end : close + 1)};
        if (close == std::string::npos || close > end) {
          diags_.Report(DiagKind::InvalidInterpolation, whole, "unterminated interpolation: missing '}'");
          i = end;
          literal_begin = end;
          break;
        }
        ast::StringPart part{true, "", {}, whole};
        if (!ParseInterpolationPath(text, i + 2, close, base, part.path)) {
          diags_.Report(DiagKind::InvalidInterpolation, whole,
                        fmt::format("'${{{}}}' is not a reference; expected a name such as ${{tag}} or ${{postgres.host}}",
                                    text.substr(i + 2, close - i - 2)));
        } else {
          expr->parts.push_back(std::move(part));
        }
        i = close;
        literal_begin = close + 1;
        continue;
      }
      literal.text += c;
    }
    flush(end);
    return expr;
  }

  // name(.name)* with optional blanks around it.
  bool ParseInterpolationPath(std::string_view text, size_t begin, size_t end, uint32_t base,
                              std::vector<ast::Ident>& path) const {
    while (begin < end && text[begin] == ' ') ++begin;
    while (end > begin && text[end - 1] == ' ') --end;
    size_t i = begin;
    while (i <= end) {
      size_t start = i;
      if (i < end && (std::isalpha(static_cast<unsigned char>(text[i])) || text[i] == '_')) {
        ++i;
        while (i < end && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_' || text[i] == '-')) ++i;
      }
      if (i == start) return false;
      path.push_back({std::string(text.substr(start, i - start)),
                      {file_, base + static_cast<uint32_t>(start), base + static_cast<uint32_t>(i)}});
      if (i == end) return true;
      if (text[i] != '.') return false;
      ++i;
    }
    return false;
  }

  FileId file_;
  const OffsetMap& offsets_;
  DiagnosticEngine& diags_;
};

}  // namespace

ast::Module ParseModule(FileId file, const SourceManager& sources, DiagnosticEngine& diags) {
  const std::string& text = sources.text(file);
  OffsetMap offsets(text);
  StackTokenSource lexer(text);

  // Lexing first lets us report bad characters and unterminated strings
  // once, in our words, and hand the parser only tokens it can use.
  std::vector<StackToken> tokens;
  tokens.reserve(text.size() / 6 + 1);
  lexer.AppendVisibleTokens(tokens);
  // The tokens the parser can use are moved to the front, in place.
  size_t kept = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    StackToken& token = tokens[i];
    SourceRange range{file, offsets.Byte(token.getStartIndex()), offsets.Byte(token.getStopIndex() + 1)};
    if (token.getType() == StackLexer::UNEXPECTED_CHAR) {
      diags.Report(DiagKind::UnexpectedCharacter, range,
                   fmt::format("unexpected character '{}'", token.text()));
      continue;
    }
    if (token.getType() == StackLexer::SINGLE_QUOTED_STRING) {
      std::string_view quoted = token.text();
      std::string fixed_text = fmt::format("\"{}\"", quoted.substr(1, quoted.size() - 2));
      diags.Report(DiagKind::UnexpectedCharacter, range, "strings are written in double quotes, not single quotes")
          .Fix(range, fixed_text);
      token.setType(StackLexer::STRING);
      token.setText(fixed_text);
    } else if (token.getType() == StackLexer::UNTERMINATED_STRING) {
      diags.Report(DiagKind::UnterminatedString, range, "missing closing '\"' at the end of the string");
      token.setType(StackLexer::STRING);
      token.setText(fmt::format("{}\"", token.text()));
    }
    if (kept != i) tokens[kept] = std::move(token);
    ++kept;
  }
  tokens.erase(tokens.begin() + static_cast<std::ptrdiff_t>(kept), tokens.end());
  // As the antlr4::CommonToken(EOF, "<EOF>") it stands for: no source,
  // line 0, no column, just past the last code point.
  tokens.emplace_back(nullptr, antlr4::Token::EOF, antlr4::Token::DEFAULT_CHANNEL, lexer.size(), lexer.size() - 1, 0,
                      INVALID_INDEX, "<EOF>");

  VectorTokenStream stream(std::move(tokens), &lexer);
  StackParser parser(&stream);
  parser.removeErrorListeners();
  // SLL prediction with bail-out parses valid input; only a syntax error
  // reparses in full LL with recovery, which reports the errors.
  auto* interpreter = parser.getInterpreter<antlr4::atn::ParserATNSimulator>();
  interpreter->setPredictionMode(antlr4::atn::PredictionMode::SLL);
  parser.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  // The AST is built from the grammar's labels alone, so valid input needs
  // no parse tree: its terminal nodes and child lists were a third of the
  // allocations of parsing, and freeing them a sixth of its time. The
  // reparse after a syntax error builds the tree, as recovery expects.
  parser.setBuildParseTree(false);
  SyntaxErrorListener listener(file, offsets, diags);
  StackParser::FileContext* tree = nullptr;
  try {
    tree = parser.file();
  } catch (const antlr4::ParseCancellationException&) {
    parser.reset();
    parser.setBuildParseTree(true);
    interpreter->setPredictionMode(antlr4::atn::PredictionMode::LL);
    parser.setErrorHandler(std::make_shared<antlr4::DefaultErrorStrategy>());
    parser.addErrorListener(&listener);
    tree = parser.file();
  }
  return AstBuilder(file, offsets, diags).Build(tree);
}

}  // namespace stackc
