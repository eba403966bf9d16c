// What each component kind accepts: one table per kind, as data. Semantic
// analysis checks against it, the IR takes defaults from it, the docs list
// it and the language server will answer hover and completion from it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "frontend/ast/ast.h"

namespace stackc {

/// The types of the stack language. `Secret` is what secret("...") has;
/// properties say separately whether they accept one.
enum class ValueType {
  String,
  Int,
  Bool,
  Quantity,   // 10Gi, 500Mi, 250m, 2
  Duration,   // 500ms, 30s, 5m, 1h
  Ref,        // a component, by name
  StringList,
  RefList,
  Env,        // { NAME = string | int | bool | secret }
  Secret,
};

std::string_view TypeName(ValueType type);
/// Parameter types users may write: string, int, bool, quantity, duration.
std::optional<ValueType> ParamTypeByName(std::string_view name);

enum KindMask : uint8_t {
  kApps = 1 << 0,
  kDatabases = 1 << 1,
  kTasks = 1 << 2,
  kBalancers = 1 << 3,
  kAnyComponent = kApps | kDatabases | kTasks | kBalancers,
};
uint8_t MaskOf(ast::ComponentKind kind);

/// What a string must look like beyond its type: names and ids that a target
/// passes to a cloud API, where a typo would otherwise fail only at deploy
/// time.
enum class TextFormat { Any, Cidr, EcsName, IamName, AwsRegion, VpcId, SubnetId, SecurityGroupId, RelativePath, GitBranch };

/// "" when `text` has `format`, else what it should look like, for messages:
/// "a CIDR block such as \"203.0.113.7/32\"".
std::string_view FormatProblem(TextFormat format, std::string_view text);

struct PropertySchema {
  std::string_view name;
  ValueType type;
  std::string_view doc;
  std::string_view default_value = {};  // in stack syntax; empty: none
  bool secret_ok = false;               // may hold or interpolate secret(...)
  uint8_t ref_kinds = kAnyComponent;    // for Ref and RefList
  std::vector<std::string_view> allowed = {};  // for enumerated strings
  int64_t min = INT64_MIN;                // for Int
  int64_t max = INT64_MAX;
  TextFormat format = TextFormat::Any;    // for String and StringList items
};

/// A target-only block inside a component, such as `compose { ... }`.
struct BlockSchema {
  std::string_view name;
  std::string_view doc;
  std::vector<PropertySchema> properties;
};

/// An attribute other components can reference as `name.attribute`.
struct AttributeSchema {
  std::string_view name;
  ValueType type;
  std::string_view doc;
  /// A reference to it orders the referenced component first. Only
  /// build-time facts such as an image name do not.
  bool orders = true;
  /// Known only to the target (a host is a service name on Compose, an RDS
  /// endpoint on ECS), so the IR keeps it symbolic.
  bool late_bound = false;
};

struct KindSchema {
  ast::ComponentKind kind;
  std::string_view doc;
  std::vector<PropertySchema> properties;
  std::vector<BlockSchema> blocks;
  std::vector<AttributeSchema> attributes;

  const PropertySchema* FindProperty(std::string_view name) const;
  const BlockSchema* FindBlock(std::string_view name) const;
  const AttributeSchema* FindAttribute(std::string_view name) const;
};

const KindSchema& SchemaOf(ast::ComponentKind kind);
const std::vector<KindSchema>& AllSchemas();
const PropertySchema* FindProperty(const BlockSchema& block, std::string_view name);

/// Stack-level settings, one table per target that has any: written as a
/// top-level block named after the target (`ecs { cluster = "x" }`),
/// overridden in a profile as `ecs.cluster`, and read by the backend as
/// `stack.FindSetting("ecs.cluster")`.
const std::vector<BlockSchema>& AllStackSettings();
const BlockSchema* FindStackSettings(std::string_view target);

/// Parses "10Gi", "250m", "2" into an amount in base units (bytes, cores).
std::optional<double> ParseQuantity(std::string_view text);
/// Parses "500ms", "30s", "5m", "1h" into milliseconds.
std::optional<int64_t> ParseDuration(std::string_view text);
bool IsQuantityUnit(std::string_view unit);
bool IsDurationUnit(std::string_view unit);

/// A DNS-1123 label: lower-case letters, digits and '-', starting and ending
/// with a letter or digit, at most 63 characters.
bool IsDnsLabel(std::string_view name);
/// The closest valid label, for fix-its: "Web_App" -> "web-app".
std::string ToDnsLabel(std::string_view name);

}  // namespace stackc
