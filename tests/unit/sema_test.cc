// Semantic analysis: the schema tables, names, properties, types, templates,
// profiles and references, checked through Analyze over source strings.
#include <gtest/gtest.h>

#include <charconv>
#include <set>

#include "tests/unit/test_util.h"

namespace stackc {
namespace {

using ast::ComponentKind;
using testing::Check;
using testing::MemoryReader;

std::vector<std::string> Strings(std::initializer_list<const char*> items) { return {items.begin(), items.end()}; }

// ---- Schema tables ----------------------------------------------------------

TEST(Schema, EveryKindHasUniqueDocumentedNames) {
  const auto& schemas = AllSchemas();
  ASSERT_EQ(schemas.size(), 4u);
  for (size_t i = 0; i < schemas.size(); ++i) {
    const KindSchema& schema = schemas[i];
    SCOPED_TRACE(std::string(ast::KindName(schema.kind)));
    EXPECT_EQ(static_cast<size_t>(schema.kind), i);
    EXPECT_EQ(&SchemaOf(schema.kind), &schema);
    EXPECT_FALSE(schema.doc.empty());
    std::set<std::string_view> names;
    for (const PropertySchema& p : schema.properties) {
      EXPECT_TRUE(names.insert(p.name).second) << "duplicate property " << p.name;
      EXPECT_FALSE(p.doc.empty()) << p.name;
      EXPECT_EQ(schema.FindProperty(p.name), &p);
    }
    for (const BlockSchema& b : schema.blocks) {
      EXPECT_TRUE(names.insert(b.name).second) << "block shares a name " << b.name;
      EXPECT_FALSE(b.doc.empty()) << b.name;
      std::set<std::string_view> inner;
      for (const PropertySchema& p : b.properties) {
        EXPECT_TRUE(inner.insert(p.name).second) << b.name << "." << p.name;
        EXPECT_FALSE(p.doc.empty()) << b.name << "." << p.name;
        EXPECT_EQ(FindProperty(b, p.name), &p);
      }
    }
    std::set<std::string_view> attributes;
    for (const AttributeSchema& a : schema.attributes) {
      EXPECT_TRUE(attributes.insert(a.name).second) << "duplicate attribute " << a.name;
      EXPECT_FALSE(a.doc.empty()) << a.name;
    }
    // Every kind can be ordered.
    for (const char* ordering : {"needs", "before", "after"}) {
      ASSERT_NE(schema.FindProperty(ordering), nullptr) << ordering;
      EXPECT_EQ(schema.FindProperty(ordering)->type, ValueType::RefList);
    }
    EXPECT_EQ(schema.FindProperty("nonexistent"), nullptr);
  }
}

TEST(Schema, DefaultsParseForTheirTypes) {
  int defaults = 0;
  for (const KindSchema& schema : AllSchemas()) {
    for (const PropertySchema& p : schema.properties) {
      if (p.default_value.empty()) continue;
      ++defaults;
      SCOPED_TRACE(std::string(ast::KindName(schema.kind)) + "." + std::string(p.name) + " = " +
                   std::string(p.default_value));
      std::string_view text = p.default_value;
      // The default is written in stack syntax, so the parser reads it as a
      // value of the property's type.
      auto parsed = testing::Parse("app a { v = " + std::string(text) + " }");
      ASSERT_EQ(parsed->Rendered(), "");
      const ast::Expr& e = *parsed->module.components.at(0).body.members.at(0).value;
      switch (p.type) {
        case ValueType::Int: {
          int64_t value = 0;
          auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
          EXPECT_TRUE(ec == std::errc() && ptr == text.data() + text.size());
          EXPECT_GE(value, p.min);
          EXPECT_LE(value, p.max);
          EXPECT_EQ(e.kind, ast::ExprKind::Int);
          break;
        }
        case ValueType::Bool:
          EXPECT_TRUE(text == "true" || text == "false");
          EXPECT_EQ(e.kind, ast::ExprKind::Bool);
          break;
        case ValueType::Duration:
          EXPECT_TRUE(ParseDuration(text).has_value());
          EXPECT_EQ(e.kind, ast::ExprKind::Unit);
          break;
        case ValueType::Quantity:
          EXPECT_TRUE(ParseQuantity(text).has_value());
          break;
        case ValueType::String:
          ASSERT_EQ(e.kind, ast::ExprKind::String);
          EXPECT_TRUE(e.IsPlainString());
          if (!p.allowed.empty()) {
            EXPECT_NE(std::find(p.allowed.begin(), p.allowed.end(), e.PlainString()), p.allowed.end());
          }
          break;
        case ValueType::Env:
          EXPECT_EQ(e.kind, ast::ExprKind::Map);
          EXPECT_TRUE(e.entries.empty());
          break;
        default:
          ADD_FAILURE() << "a default for a property of type " << TypeName(p.type);
      }
    }
  }
  EXPECT_EQ(defaults, 9);
  EXPECT_EQ(SchemaOf(ComponentKind::App).FindProperty("replicas")->default_value, "1");
  EXPECT_EQ(SchemaOf(ComponentKind::Balancer).FindProperty("port")->default_value, "80");
  EXPECT_EQ(SchemaOf(ComponentKind::Task).FindProperty("role")->default_value, "\"setup\"");
  EXPECT_EQ(SchemaOf(ComponentKind::Database).FindProperty("ready_interval")->default_value, "5s");
}

TEST(Schema, AttributesAndBlocks) {
  const KindSchema& database = SchemaOf(ComponentKind::Database);
  ASSERT_NE(database.FindAttribute("host"), nullptr);
  EXPECT_TRUE(database.FindAttribute("host")->late_bound);
  EXPECT_TRUE(database.FindAttribute("url")->late_bound);
  EXPECT_FALSE(database.FindAttribute("port")->late_bound);
  EXPECT_EQ(database.FindAttribute("nope"), nullptr);
  const KindSchema& app = SchemaOf(ComponentKind::App);
  // An image is a build-time fact: referencing it orders nothing.
  EXPECT_FALSE(app.FindAttribute("image")->orders);
  EXPECT_TRUE(app.FindAttribute("url")->orders);
  ASSERT_NE(app.FindBlock("compose"), nullptr);
  EXPECT_NE(FindProperty(*app.FindBlock("compose"), "source_mount"), nullptr);
  EXPECT_EQ(database.FindBlock("compose"), nullptr);
  EXPECT_TRUE(SchemaOf(ComponentKind::Task).attributes.empty());
  EXPECT_EQ(SchemaOf(ComponentKind::Task).FindProperty("from")->ref_kinds, kApps);
  EXPECT_EQ(SchemaOf(ComponentKind::Balancer).FindProperty("route")->ref_kinds, kApps);
}

TEST(Schema, TargetSettingsAreDocumentedAndTheirDefaultsParse) {
  ASSERT_FALSE(AllStackSettings().empty());
  for (const BlockSchema& target : AllStackSettings()) {
    SCOPED_TRACE(std::string(target.name));
    EXPECT_EQ(FindStackSettings(target.name), &target);
    EXPECT_FALSE(target.doc.empty());
    std::set<std::string_view> names;
    for (const PropertySchema& p : target.properties) {
      EXPECT_TRUE(names.insert(p.name).second) << p.name;
      EXPECT_FALSE(p.doc.empty()) << p.name;
      if (p.default_value.empty()) continue;
      auto parsed = testing::Parse("app a { v = " + std::string(p.default_value) + " }");
      ASSERT_EQ(parsed->Rendered(), "");
      const ast::Expr& e = *parsed->module.components.at(0).body.members.at(0).value;
      if (p.type == ValueType::String) {
        EXPECT_TRUE(e.IsPlainString()) << p.name;
        if (!p.allowed.empty()) {
          EXPECT_NE(std::find(p.allowed.begin(), p.allowed.end(), e.PlainString()), p.allowed.end()) << p.name;
        }
      } else if (p.type == ValueType::Int) {
        EXPECT_EQ(e.kind, ast::ExprKind::Int) << p.name;
        EXPECT_GE(e.int_value, p.min);
        EXPECT_LE(e.int_value, p.max);
      } else {
        EXPECT_EQ(p.type, ValueType::Bool) << p.name;
        EXPECT_EQ(e.kind, ast::ExprKind::Bool) << p.name;
      }
    }
  }
  EXPECT_EQ(FindStackSettings("compose"), nullptr);
  const BlockSchema& ecs = *FindStackSettings("ecs");
  EXPECT_EQ(FindProperty(ecs, "launch_type")->default_value, "\"fargate\"");
  EXPECT_EQ(FindProperty(ecs, "launch_type")->allowed, (std::vector<std::string_view>{"fargate", "ec2"}));
  EXPECT_EQ(FindProperty(ecs, "instances")->max, 1000);
  EXPECT_EQ(FindProperty(ecs, "subnets")->type, ValueType::StringList);
  EXPECT_TRUE(FindProperty(ecs, "cluster")->default_value.empty());
  // Component-level ECS blocks.
  const BlockSchema* database = SchemaOf(ComponentKind::Database).FindBlock("ecs");
  ASSERT_NE(database, nullptr);
  EXPECT_EQ(FindProperty(*database, "instance_class")->default_value, "\"db.t3.micro\"");
  EXPECT_EQ(FindProperty(*database, "publicly_accessible")->type, ValueType::Bool);
  const BlockSchema* app = SchemaOf(ComponentKind::App).FindBlock("ecs");
  ASSERT_NE(app, nullptr);
  EXPECT_EQ(FindProperty(*app, "cpu_units")->type, ValueType::Int);
  EXPECT_TRUE(FindProperty(*app, "memory_mib")->default_value.empty());
}

TEST(Schema, TextFormats) {
  for (const char* ok : {"203.0.113.7/32", "0.0.0.0/0", "10.0.0.0/8", "::/0", "2001:db8::/32",
                         "2001:db8:0:0:0:0:0:1/128", "fe80::1/64"}) {
    EXPECT_EQ(FormatProblem(TextFormat::Cidr, ok), "") << ok;
  }
  for (const char* bad : {"203.0.113.7", "203.0.113/24", "256.0.0.0/8", "10.0.0.0/33", "10.0.0.01/8", "::/129",
                          "2001:db8:::/32", "1:2:3:4:5:6:7:8:9/64", "office", "", "10.0.0.0/", "g::/16"}) {
    EXPECT_NE(FormatProblem(TextFormat::Cidr, bad), "") << bad;
  }
  EXPECT_EQ(FormatProblem(TextFormat::EcsName, "ecs-cluster"), "");
  EXPECT_EQ(FormatProblem(TextFormat::EcsName, "shop_prod-2"), "");
  EXPECT_NE(FormatProblem(TextFormat::EcsName, "ecs cluster"), "");
  EXPECT_NE(FormatProblem(TextFormat::EcsName, std::string(256, 'a')), "");
  EXPECT_EQ(FormatProblem(TextFormat::IamName, "ecsTaskExecutionRole"), "");
  EXPECT_NE(FormatProblem(TextFormat::IamName, "role/with/slashes"), "");
  for (const char* ok : {"eu-west-1", "us-east-2", "ap-southeast-2", "us-gov-west-1"}) {
    EXPECT_EQ(FormatProblem(TextFormat::AwsRegion, ok), "") << ok;
  }
  for (const char* bad : {"eu-west", "EU-WEST-1", "euwest1", "eu-west-1a", "eu--west-1", "e-west-1"}) {
    EXPECT_NE(FormatProblem(TextFormat::AwsRegion, bad), "") << bad;
  }
  EXPECT_EQ(FormatProblem(TextFormat::VpcId, "vpc-0a1b2c3d"), "");
  EXPECT_NE(FormatProblem(TextFormat::VpcId, "subnet-0a1b2c3d"), "");
  EXPECT_EQ(FormatProblem(TextFormat::SubnetId, "subnet-0a1b2c3d4e5f60718"), "");
  EXPECT_NE(FormatProblem(TextFormat::SubnetId, "subnet-"), "");
  EXPECT_EQ(FormatProblem(TextFormat::SecurityGroupId, "sg-12ab"), "");
  EXPECT_NE(FormatProblem(TextFormat::SecurityGroupId, "sg-12AB"), "");
  EXPECT_EQ(FormatProblem(TextFormat::Any, "anything at all"), "");
}

TEST(Schema, QuantitiesDurationsAndDnsLabels) {
  EXPECT_EQ(ParseQuantity("10Gi"), 10.0 * 1024 * 1024 * 1024);
  EXPECT_EQ(ParseQuantity("250m"), 0.25);
  EXPECT_EQ(ParseQuantity("2"), 2.0);
  EXPECT_EQ(ParseQuantity("1.5Ki"), 1536.0);
  EXPECT_EQ(ParseQuantity("3k"), 3000.0);
  EXPECT_EQ(ParseQuantity("10X"), std::nullopt);
  EXPECT_EQ(ParseQuantity(""), std::nullopt);
  EXPECT_EQ(ParseQuantity("Gi"), std::nullopt);
  EXPECT_EQ(ParseDuration("500ms"), 500);
  EXPECT_EQ(ParseDuration("30s"), 30'000);
  EXPECT_EQ(ParseDuration("5m"), 300'000);
  EXPECT_EQ(ParseDuration("1h"), 3'600'000);
  EXPECT_EQ(ParseDuration("1.5s"), 1500);
  EXPECT_EQ(ParseDuration("5"), std::nullopt);
  EXPECT_EQ(ParseDuration("5Gi"), std::nullopt);
  EXPECT_TRUE(IsQuantityUnit("m"));
  EXPECT_TRUE(IsDurationUnit("m"));
  EXPECT_FALSE(IsQuantityUnit(""));
  EXPECT_FALSE(IsQuantityUnit("s"));
  EXPECT_FALSE(IsDurationUnit("Gi"));

  EXPECT_TRUE(IsDnsLabel("web-app2"));
  EXPECT_TRUE(IsDnsLabel("0"));
  EXPECT_TRUE(IsDnsLabel(std::string(63, 'a')));
  EXPECT_FALSE(IsDnsLabel(std::string(64, 'a')));
  EXPECT_FALSE(IsDnsLabel(""));
  EXPECT_FALSE(IsDnsLabel("Web"));
  EXPECT_FALSE(IsDnsLabel("web_app"));
  EXPECT_FALSE(IsDnsLabel("-web"));
  EXPECT_FALSE(IsDnsLabel("web-"));
  EXPECT_EQ(ToDnsLabel("Web_App"), "web-app");
  EXPECT_EQ(ToDnsLabel("__x__"), "x");
  EXPECT_EQ(ToDnsLabel("___"), "x");
  EXPECT_EQ(ToDnsLabel(std::string(70, 'A')), std::string(63, 'a'));
  EXPECT_EQ(ToDnsLabel(std::string(62, 'a') + "_b"), std::string(62, 'a'));
}

// ---- Analysis -----------------------------------------------------------------

TEST(Sema, ExampleStackIsClean) {
  auto c = Check(
      "stack webapp\n"
      "import \"std/postgres\"\n"
      "import \"std/rails\"\n"
      "param tag = \"latest\"\n"
      "param replicas: int = 2\n"
      "param size = 10Gi\n"
      "param wait = 30s\n"
      "param debug = false\n"
      "database postgres : postgres { name = \"app\" user = \"app\" password = secret(\"db-password\") }\n"
      "app webapp : rails_app {\n"
      "  image = \"me/webapp:${tag}\"\n"
      "  replicas = replicas\n"
      "  env = { DATABASE_URL = postgres.url, DEBUG = debug }\n"
      "}\n"
      "task setup : rails_migrate { from = webapp  before = [webapp] }\n"
      "balancer front { route = webapp }\n"
      "profile production { webapp.replicas = 3  postgres.storage = size }\n");
  ASSERT_TRUE(c->analyzed);
  EXPECT_EQ(c->Rendered(), "");
  const CheckedStack& s = c->checked;
  EXPECT_EQ(s.name, "webapp");
  EXPECT_EQ(c->At(s.name_range), "webapp");
  EXPECT_EQ(s.params.at("tag").type, ValueType::String);
  EXPECT_EQ(s.params.at("replicas").type, ValueType::Int);
  EXPECT_EQ(s.params.at("size").type, ValueType::Quantity);
  EXPECT_EQ(s.params.at("wait").type, ValueType::Duration);
  EXPECT_EQ(s.params.at("debug").type, ValueType::Bool);
  ASSERT_EQ(s.components.size(), 4u);
  const CheckedComponent* webapp = s.FindComponent("webapp");
  ASSERT_NE(webapp, nullptr);
  EXPECT_EQ(webapp->kind, ComponentKind::App);
  ASSERT_EQ(webapp->templates.size(), 1u);
  EXPECT_EQ(webapp->templates[0]->name.name, "rails_app");
  // From the template: port and health; from the component: the rest.
  std::vector<std::string> properties;
  for (const auto& [name, layers] : webapp->properties) properties.push_back(name);
  EXPECT_EQ(properties, Strings({"env", "health", "image", "port", "replicas"}));
  EXPECT_EQ(s.FindComponent("nope"), nullptr);
  EXPECT_EQ(s.profiles.count("production"), 1u);
}

TEST(Sema, DuplicateNames) {
  auto c = Check(
      "stack s\n"
      "param web = \"x\"\n"
      "app web { image = \"x\" }\n"
      "database db { image = \"x\" port = 1 }\n"
      "task db { image = \"x\" command = [\"a\"] }\n"
      "template t : app {}\n"
      "template t : app {}\n"
      "profile p {}\n"
      "profile p {}\n");
  std::vector<Diagnostic> d = c->Sorted();
  ASSERT_EQ(c->Codes(), Strings({"E0201", "E0201", "E0201", "E0201"})) << c->Rendered();
  EXPECT_EQ(d[0].message, "'web' is already declared as a param");
  EXPECT_EQ(c->sources.Position(d[0].range.file, d[0].range.begin).line, 3u);
  EXPECT_EQ(c->At(d[0].range), "web");
  ASSERT_EQ(d[0].notes.size(), 1u);
  EXPECT_EQ(d[0].notes[0].message, "previous declaration is here");
  EXPECT_EQ(c->sources.Position(d[0].notes[0].range.file, d[0].notes[0].range.begin).line, 2u);
  EXPECT_EQ(d[1].message, "'db' is already declared as a database");
  EXPECT_EQ(d[2].message, "'t' is already declared as a template");
  EXPECT_EQ(d[3].message, "profile 'p' is already declared");
  // The first declaration wins.
  EXPECT_EQ(c->checked.FindComponent("db")->kind, ComponentKind::Database);
  EXPECT_EQ(c->checked.FindComponent("web"), nullptr);

  // Templates have a namespace of their own: `database postgres : postgres` is fine.
  auto own = Check("stack s\nimport \"std/postgres\"\ndatabase postgres : postgres {}\n");
  EXPECT_EQ(own->Rendered(), "");
  EXPECT_NE(own->checked.FindComponent("postgres"), nullptr);
}

TEST(Sema, PropertySetTwiceInOneBlock) {
  auto c = Check("stack s\napp web {\n  image = \"a\"\n  image = \"b\"\n}\n");
  ASSERT_EQ(c->Codes(), Strings({"E0212"}));
  Diagnostic d = c->Sorted()[0];
  EXPECT_EQ(d.message, "'image' is set twice in app 'web'");
  EXPECT_EQ(c->sources.Position(d.range.file, d.range.begin).line, 4u);
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(d.notes[0].message, "first set here");
  EXPECT_EQ(c->sources.Position(d.notes[0].range.file, d.notes[0].range.begin).line, 3u);
  // Only the first setting counts.
  const auto& layers = c->checked.FindComponent("web")->properties.at("image");
  ASSERT_EQ(layers.size(), 1u);
  EXPECT_EQ(layers[0]->PlainString(), "a");
}

TEST(Sema, UnknownPropertyWithOrWithoutACloseMatch) {
  auto c = Check("stack s\napp web {\n  image = \"x\"\n  replics = 2\n}\n");
  ASSERT_EQ(c->Codes(), Strings({"E0203"}));
  Diagnostic d = c->Sorted()[0];
  EXPECT_EQ(d.message, "unknown property 'replics' in app 'web'");
  EXPECT_EQ(c->At(d.range), "replics");
  EXPECT_EQ(d.range.begin, static_cast<uint32_t>(c->text().find("replics")));
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(d.notes[0].message, "did you mean 'replicas'?");
  ASSERT_EQ(d.fixits.size(), 1u);
  EXPECT_EQ(d.fixits[0].range, d.range);
  EXPECT_EQ(d.fixits[0].replacement, "replicas");
  EXPECT_EQ(c->Rendered(),
            "test.stack:4:3: error[E0203]: unknown property 'replics' in app 'web'\n"
            "    4 |   replics = 2\n"
            "      |   ^~~~~~~\n"
            "      |   replicas\n"
            "note: did you mean 'replicas'?\n");

  // Without a close match the note lists the properties.
  auto far = Check("stack s\ntask t { image = \"x\" command = [\"a\"] zzzzzzzz = 1 }\n");
  ASSERT_EQ(far->Codes(), Strings({"E0203"}));
  Diagnostic f = far->Sorted()[0];
  EXPECT_TRUE(f.fixits.empty());
  ASSERT_EQ(f.notes.size(), 1u);
  EXPECT_EQ(f.notes[0].message, "the properties are: from, image, build, command, env, role, needs, before, after");
}

TEST(Sema, BlocksAndBlockProperties) {
  auto c = Check(
      "stack s\n"
      "app web {\n"
      "  image = \"x\"\n"
      "  compose = \"y\"\n"
      "  compse { }\n"
      "}\n"
      "app api { image = \"x\" compose { source_mont = \"/x\" } }\n"
      "task t { image = \"x\" command = [\"a\"] compose { } }\n");
  std::vector<Diagnostic> d = c->Sorted();
  ASSERT_EQ(c->Codes(), Strings({"E0203", "E0218", "E0203", "E0218"})) << c->Rendered();
  EXPECT_EQ(d[0].message, "unknown property 'compose' in app 'web'");
  EXPECT_EQ(d[0].notes.at(0).message, "'compose' is a block: write compose { ... }");
  EXPECT_TRUE(d[0].fixits.empty());
  EXPECT_EQ(d[1].message, "unknown block 'compse' in app 'web'");
  EXPECT_EQ(d[1].notes.at(0).message, "did you mean 'compose'?");
  EXPECT_EQ(d[1].fixits.at(0).replacement, "compose");
  EXPECT_EQ(d[2].message, "unknown property 'source_mont' in the compose block of app 'api'");
  EXPECT_EQ(d[2].fixits.at(0).replacement, "source_mount");
  EXPECT_EQ(d[3].message, "unknown block 'compose' in task 't'");
  EXPECT_EQ(d[3].notes.at(0).message, "a task has no target blocks");

  // A property and a block of one name are one setting.
  auto twice = Check("stack s\napp web {\n  image = \"x\"\n  compose = \"y\"\n  compose { }\n}\n");
  ASSERT_EQ(twice->Codes(), Strings({"E0203", "E0212"})) << twice->Rendered();
  EXPECT_EQ(twice->Sorted()[1].message, "'compose' is set twice in app 'web'");

  // Block properties are keyed "block.property".
  auto keyed = Check("stack s\napp web { image = \"x\" compose { source_mount = \"/app\" } }\n");
  ASSERT_EQ(keyed->Rendered(), "");
  const auto& properties = keyed->checked.FindComponent("web")->properties;
  ASSERT_EQ(properties.count("compose.source_mount"), 1u);
  EXPECT_EQ(properties.at("compose.source_mount").at(0)->PlainString(), "/app");
}

TEST(Sema, ComponentEcsBlocks) {
  auto c = Check(
      "stack s\n"
      "app web { image = \"x\" ecs { cpu_units = 512 memory_mib = 1024 } }\n"
      "database db { image = \"x\" port = 1\n"
      "  ecs { instance_class = \"db.t3.small\" engine_version = \"9.5\" multi_az = true publicly_accessible = false }\n"
      "}\n"
      "profile production { db.ecs.multi_az = false web.ecs.cpu_units = 1024 }\n");
  ASSERT_EQ(c->Rendered(), "");
  EXPECT_EQ(c->checked.FindComponent("web")->properties.count("ecs.cpu_units"), 1u);
  EXPECT_EQ(c->checked.FindComponent("db")->properties.count("ecs.instance_class"), 1u);

  auto bad = Check(
      "stack s\n"
      "app web { image = \"x\" ecs { cpu_units = 1 memory_mib = \"1024\" instance_class = \"db.t3.micro\" } }\n"
      "database db { image = \"x\" port = 1 ecs { multi_az = \"yes\" } }\n");
  std::vector<Diagnostic> d = bad->Sorted();
  ASSERT_EQ(bad->Codes(), Strings({"E0214", "E0204", "E0203", "E0204"})) << bad->Rendered();
  EXPECT_EQ(d[0].message, "'cpu_units' of the ecs block of app 'web' must be between 2 and 262144, found 1");
  EXPECT_EQ(d[1].message, "'memory_mib' of the ecs block of app 'web' expects an int, found a string");
  EXPECT_EQ(d[2].message, "unknown property 'instance_class' in the ecs block of app 'web'");
  EXPECT_EQ(d[3].message, "'multi_az' of the ecs block of database 'db' expects a bool, found a string");
}

TEST(Sema, TargetSettings) {
  auto c = Check(
      "stack s\n"
      "param stage = \"prod\"\n"
      "param count = 2\n"
      "ecs {\n"
      "  cluster     = \"${stage}-cluster\"\n"
      "  launch_type = \"ec2\"\n"
      "  instances   = count\n"
      "  subnets     = [\"subnet-1\", \"subnet-${stage}\"]\n"
      "}\n"
      "app web { image = \"x\" }\n"
      "profile production { ecs.launch_type = \"fargate\" ecs.assign_public_ip = false }\n");
  ASSERT_EQ(c->Rendered(), "");
  ASSERT_EQ(c->checked.settings.size(), 4u);
  EXPECT_EQ(c->checked.settings.at("ecs.launch_type")->PlainString(), "ec2");
  EXPECT_EQ(c->checked.settings.count("ecs.assign_public_ip"), 0u);  // a profile's, not the block's
}

TEST(Sema, TargetSettingsErrors) {
  auto c = Check(
      "stack s\n"
      "app web { image = \"x\" port = 80 }\n"
      "ecs {\n"
      "  clustr      = \"c\"\n"
      "  launch_type = \"EC2\"\n"
      "  instances   = 0\n"
      "  subnets     = \"subnet-1\"\n"
      "  region      = web.host\n"
      "  vpc         = \"${web.port}\"\n"
      "  key_pair    = self.port\n"
      "  instances   = 3\n"
      "  nested { }\n"
      "}\n"
      "ecss { }\n"
      "compose { }\n"
      "ecs { }\n");
  std::vector<Diagnostic> d = c->Sorted();
  ASSERT_EQ(c->Codes(), Strings({"E0203", "E0214", "E0214", "E0204", "E0204", "E0204", "E0226", "E0212", "E0218",
                                 "E0218", "E0218", "E0201"}))
      << c->Rendered();
  EXPECT_EQ(d[0].message, "unknown property 'clustr' in the ecs settings");
  EXPECT_EQ(d[0].fixits.at(0).replacement, "cluster");
  EXPECT_EQ(d[1].message, "\"EC2\" is not allowed for 'launch_type' of the ecs settings");
  EXPECT_EQ(d[1].notes.at(0).message, "allowed values: \"fargate\", \"ec2\"");
  EXPECT_EQ(d[2].message, "'instances' of the ecs settings must be between 1 and 1000, found 0");
  EXPECT_EQ(d[3].message, "'subnets' of the ecs settings expects a list of strings, found a string");
  EXPECT_EQ(d[4].message, "the ecs settings cannot use app 'web'; they may use params only");
  EXPECT_EQ(c->At(d[4].range), "web.host");
  EXPECT_EQ(d[5].message, "the ecs settings cannot use app 'web'; they may use params only");
  EXPECT_EQ(c->At(d[5].range), "web.port");
  EXPECT_EQ(d[6].message, "'self' can only be used inside a component or template");
  EXPECT_EQ(d[7].message, "'instances' is set twice in the ecs settings");
  EXPECT_EQ(d[8].message, "unknown block 'nested' in the ecs settings");
  EXPECT_EQ(d[8].notes.at(0).message, "the ecs settings hold properties only; blocks go into components");
  EXPECT_EQ(d[9].message, "unknown target block 'ecss' at the top level of the stack");
  EXPECT_EQ(d[9].fixits.at(0).replacement, "ecs");
  EXPECT_EQ(d[10].message, "unknown target block 'compose' at the top level of the stack");
  EXPECT_EQ(d[10].notes.at(0).message, "'compose' settings go into a component: app NAME { compose { ... } }");
  EXPECT_EQ(d[10].notes.at(1).message, "the targets with stack-level settings are: ecs, ci");
  EXPECT_EQ(d[11].message, "the ecs settings are already declared");
  EXPECT_EQ(c->At(d[11].notes.at(0).range), "ecs");
}

TEST(Sema, TargetSettingsFormats) {
  auto c = Check(
      "stack s\n"
      "param zone = \"west\"\n"
      "ecs {\n"
      "  cluster        = \"shop cluster\"\n"
      "  ssh_from       = \"203.0.113.7\"\n"
      "  region         = \"eu-${zone}-1\"\n"
      "  subnets        = [\"subnet-0a1b\", \"sg-0a1b\"]\n"
      "  security_group = \"sg-0a1b\"\n"
      "}\n"
      "profile p { ecs.vpc = \"vpc0a1b\" }\n");
  std::vector<Diagnostic> d = c->Sorted();
  ASSERT_EQ(c->Codes(), Strings({"E0214", "E0214", "E0214", "E0214"})) << c->Rendered();
  EXPECT_EQ(d[0].message,
            "'cluster' of the ecs settings must be 1 to 255 letters, digits, '-' and '_', found \"shop cluster\"");
  EXPECT_EQ(d[1].message,
            "'ssh_from' of the ecs settings must be a CIDR block such as \"203.0.113.7/32\" or \"2001:db8::/32\", "
            "found \"203.0.113.7\"");
  EXPECT_EQ(d[2].message,
            "'subnets' of the ecs settings must be a subnet id such as \"subnet-0a1b2c3d\", found \"sg-0a1b\"");
  EXPECT_EQ(c->At(d[2].range), "\"sg-0a1b\"");
  EXPECT_EQ(d[3].message, "'vpc' of the ecs settings must be a VPC id such as \"vpc-0a1b2c3d\", found \"vpc0a1b\"");
}

TEST(Sema, TargetSettingsInProfiles) {
  auto c = Check(
      "stack s\n"
      "param region = \"eu-west-1\"\n"
      "app web { image = \"x\" }\n"
      "profile p {\n"
      "  ecs.region      = region\n"
      "  ecs.instances   = \"2\"\n"
      "  ecs.clustr      = \"c\"\n"
      "  ecs             = 1\n"
      "  ecs.a.b         = 1\n"
      "  ecs.vpc         = web.host\n"
      "  ecs.launch_type = \"ec2\"\n"
      "  ecs.launch_type = \"fargate\"\n"
      "  eks.cluster     = \"c\"\n"
      "}\n");
  std::vector<Diagnostic> d = c->Sorted();
  ASSERT_EQ(c->Codes(), Strings({"E0204", "E0222", "E0222", "E0222", "E0204", "E0212", "E0222"})) << c->Rendered();
  EXPECT_EQ(d[0].message, "'instances' of the ecs settings expects an int, found a string");
  EXPECT_EQ(d[0].fixits.at(0).replacement, "2");
  EXPECT_EQ(d[1].message, "profile 'p' sets 'ecs.clustr', but the ecs settings have no such setting");
  EXPECT_EQ(c->At(d[1].range), "clustr");
  EXPECT_EQ(d[1].fixits.at(0).replacement, "cluster");
  EXPECT_EQ(d[2].message, "'ecs' names the ecs settings; name one of them, e.g. 'ecs.cluster'");
  EXPECT_EQ(d[3].message, "'ecs' names the ecs settings; name one of them, e.g. 'ecs.cluster'");
  EXPECT_EQ(c->At(d[3].range), "ecs.a.b");
  EXPECT_EQ(d[4].message, "the ecs settings cannot use app 'web'; they may use params only");
  EXPECT_EQ(d[5].message, "'ecs.launch_type' is set twice in profile 'p'");
  EXPECT_EQ(d[6].message, "profile 'p' sets 'eks.cluster', which is neither a param, a component nor a target's settings");
  EXPECT_EQ(d[6].fixits.at(0).replacement, "ecs");
}

TEST(Sema, AComponentOrParamNamedLikeATargetHidesItsSettingsInProfiles) {
  // The component wins: `ecs.replicas` is its property, and a path that
  // only a setting would have matched says why it fails.
  auto c = Check(
      "stack s\n"
      "app ecs { image = \"x\" }\n"
      "ecs { cluster = \"c\" }\n"
      "profile p {\n"
      "  ecs.replicas    = 2\n"
      "  ecs.launch_type = \"ec2\"\n"
      "}\n");
  std::vector<Diagnostic> d = c->Sorted();
  ASSERT_EQ(c->Codes(), Strings({"E0222"})) << c->Rendered();
  EXPECT_EQ(d[0].message, "profile 'p' sets 'ecs.launch_type', but app 'ecs' has no such property");
  EXPECT_EQ(d[0].notes.back().message,
            "app 'ecs' hides the ecs settings in profiles; rename it to override 'ecs.launch_type'");

  auto param = Check("stack s\nparam ecs = \"x\"\nprofile p { ecs.cluster = \"c\" }\n");
  ASSERT_EQ(param->Codes(), Strings({"E0222"})) << param->Rendered();
  EXPECT_EQ(param->Sorted()[0].notes.back().message,
            "param 'ecs' hides the ecs settings in profiles; rename it to override 'ecs.cluster'");
}

TEST(Sema, TypeMismatches) {
  auto c = Check(
      "stack s\n"
      "app web {\n"
      "  image = 5\n"
      "  port = \"80\"\n"
      "  replicas = true\n"
      "  command = \"ls\"\n"
      "  env = [\"a\"]\n"
      "  health = 30s\n"
      "  needs = web\n"
      "}\n");
  std::vector<Diagnostic> d = c->Sorted();
  ASSERT_EQ(c->Codes(), Strings({"E0204", "E0204", "E0204", "E0204", "E0204", "E0204", "E0204"})) << c->Rendered();
  EXPECT_EQ(d[0].message, "'image' of app 'web' expects a string, found an int");
  ASSERT_EQ(d[0].fixits.size(), 1u);
  EXPECT_EQ(c->At(d[0].fixits[0].range), "5");
  EXPECT_EQ(d[0].fixits[0].replacement, "\"5\"");
  EXPECT_EQ(d[1].message, "'port' of app 'web' expects an int, found a string");
  EXPECT_EQ(c->At(d[1].range), "\"80\"");
  ASSERT_EQ(d[1].fixits.size(), 1u);
  EXPECT_EQ(d[1].fixits[0].replacement, "80");
  EXPECT_EQ(d[2].message, "'replicas' of app 'web' expects an int, found a bool");
  EXPECT_EQ(d[3].message, "'command' of app 'web' expects a list of strings, found a string");
  EXPECT_EQ(d[4].message, "'env' of app 'web' expects a map, found a list");
  EXPECT_EQ(d[5].message, "'health' of app 'web' expects a string, found a duration");
  EXPECT_EQ(d[6].message, "'needs' of app 'web' expects a list of components, found app 'web'");
  ASSERT_EQ(d[6].fixits.size(), 1u);
  EXPECT_EQ(d[6].fixits[0].replacement, "[web]");
}

TEST(Sema, ValuesOutOfRangeOrWithBadUnits) {
  auto c = Check(
      "stack s\n"
      "app web { image = \"x\" port = 70000 cpu = 5s memory = 10X }\n"
      "database db { image = \"x\" port = 1 ready_interval = 5Gi storage = 10Gi }\n"
      "database db2 { image = \"x\" port = 1 ready_interval = 5x }\n");
  std::vector<Diagnostic> d = c->Sorted();
  ASSERT_EQ(c->Codes(), Strings({"E0214", "E0204", "E0215", "E0204", "E0215"})) << c->Rendered();
  EXPECT_EQ(d[0].message, "'port' of app 'web' must be between 1 and 65535, found 70000");
  EXPECT_EQ(c->At(d[0].range), "70000");
  EXPECT_EQ(d[1].message, "'cpu' of app 'web' expects a quantity, found a duration");
  EXPECT_EQ(d[2].message, "unknown quantity unit 'X' in '10X'");
  EXPECT_EQ(d[2].notes.at(0).message, "quantity units are m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi and Ei");
  EXPECT_EQ(d[3].message, "'ready_interval' of database 'db' expects a duration, found a quantity");
  EXPECT_EQ(d[4].message, "unknown duration unit 'x' in '5x'");
  EXPECT_EQ(d[4].notes.at(0).message, "duration units are ms, s, m and h");
}

TEST(Sema, ReferencesMustNameTheRightKind) {
  auto c = Check(
      "stack s\n"
      "database db { image = \"x\" port = 1 }\n"
      "app web { image = \"x\" port = db }\n"
      "balancer front { route = db }\n"
      "task t { from = front command = [\"a\"] }\n");
  std::vector<Diagnostic> d = c->Sorted();
  ASSERT_EQ(c->Codes(), Strings({"E0204", "E0204", "E0204"})) << c->Rendered();
  EXPECT_EQ(d[0].message, "'port' of app 'web' expects an int, found database 'db'");
  EXPECT_EQ(d[0].notes.at(0).message, "use one of its attributes, e.g. db.url or db.host");
  EXPECT_EQ(d[1].message, "'route' of balancer 'front' expects an app, found database 'db'");
  EXPECT_EQ(d[1].notes.at(0).message, "'db' is declared here");
  EXPECT_EQ(c->At(d[1].notes.at(0).range), "db");
  EXPECT_EQ(d[2].message, "'from' of task 't' expects an app, found balancer 'front'");
}

TEST(Sema, SecretsOnlyWhereTheyStayOutOfTheOutput) {
  auto c = Check(
      "stack s\n"
      "database db { image = \"x\" port = 1 password = secret(\"pw\") }\n"
      "app web {\n"
      "  image = secret(\"img\")\n"
      "  health = \"/${db.url}\"\n"
      "  build = db.password\n"
      "  env = { A = secret(\"a\"), B = \"x${db.url}\", C = db.password }\n"
      "}\n");
  std::vector<Diagnostic> d = c->Sorted();
  ASSERT_EQ(c->Codes(), Strings({"E0204", "E0204", "E0204"})) << c->Rendered();
  EXPECT_EQ(d[0].message, "'image' of app 'web' cannot hold a secret; it would be written into the output");
  EXPECT_EQ(d[1].message, "'health' of app 'web' cannot hold a secret; it would be written into the output");
  EXPECT_EQ(c->At(d[1].range), "${db.url}");
  EXPECT_EQ(d[2].message, "'build' of app 'web' cannot hold 'db.password', which may contain a secret");
}

TEST(Sema, FunctionCalls) {
  auto c = Check(
      "stack s\n"
      "database db { image = \"x\" port = 1 password = secrte(\"pw\") }\n"
      "database db2 { image = \"x\" port = 1 password = secret(\"Bad Name\") }\n"
      "database db3 { image = \"x\" port = 1 password = secret(\"a\", \"b\") }\n"
      "database db4 { image = \"x\" port = 1 password = lookup(\"a\") }\n");
  std::vector<Diagnostic> d = c->Sorted();
  ASSERT_EQ(c->Codes(), Strings({"E0216", "E0214", "E0217", "E0216"})) << c->Rendered();
  EXPECT_EQ(d[0].message, "unknown function 'secrte'");
  EXPECT_EQ(d[0].fixits.at(0).replacement, "secret");
  EXPECT_EQ(c->At(d[0].fixits.at(0).range), "secrte");
  EXPECT_EQ(d[1].message,
            "secret name \"Bad Name\" must be 1 to 63 lower-case letters, digits and '-', starting and ending "
            "with a letter or digit");
  EXPECT_EQ(d[1].fixits.at(0).replacement, "\"bad-name\"");
  EXPECT_EQ(d[2].message, "secret(...) takes exactly one name in quotes, e.g. secret(\"db-password\")");
  EXPECT_EQ(d[3].notes.at(0).message, "the only function is secret(\"name\")");
}

TEST(Sema, EnumeratedValuesAndEnvNames) {
  auto c = Check(
      "stack s\n"
      "task t { image = \"x\" command = [\"a\"] role = \"setpu\" env = { \"BAD-NAME\" = \"1\" } }\n");
  std::vector<Diagnostic> d = c->Sorted();
  ASSERT_EQ(c->Codes(), Strings({"E0214", "E0214"})) << c->Rendered();
  EXPECT_EQ(d[0].message, "\"setpu\" is not allowed for 'role' of task 't'");
  ASSERT_EQ(d[0].notes.size(), 2u);
  EXPECT_EQ(d[0].notes[0].message, "did you mean \"setup\"?");
  EXPECT_EQ(d[0].notes[1].message, "allowed values: \"setup\", \"test\"");
  EXPECT_EQ(d[0].fixits.at(0).replacement, "\"setup\"");
  EXPECT_EQ(d[1].message, "'BAD-NAME' is not a valid environment variable name");
  EXPECT_EQ(c->At(d[1].range), "\"BAD-NAME\"");
}

TEST(Sema, TemplateChainsLayerTheirProperties) {
  auto c = Check(
      "stack s\n"
      "template base : app {\n"
      "  port = 80\n"
      "  env = { A = \"base\", B = \"base\" }\n"
      "}\n"
      "template mid : base {\n"
      "  health = \"/\"\n"
      "  env = { B = \"mid\", C = \"mid\" }\n"
      "}\n"
      "app web : mid {\n"
      "  image = \"web\"\n"
      "  env = { C = \"web\" }\n"
      "}\n");
  ASSERT_EQ(c->Rendered(), "");
  const CheckedComponent* web = c->checked.FindComponent("web");
  ASSERT_NE(web, nullptr);
  ASSERT_EQ(web->templates.size(), 2u);
  EXPECT_EQ(web->templates[0]->name.name, "base");
  EXPECT_EQ(web->templates[1]->name.name, "mid");
  // Layers run from the most basic template to the component.
  const auto& env = web->properties.at("env");
  ASSERT_EQ(env.size(), 3u);
  EXPECT_EQ(env[0]->entries.at(0).value->PlainString(), "base");
  EXPECT_EQ(env[1]->entries.at(0).value->PlainString(), "mid");
  EXPECT_EQ(env[2]->entries.at(0).value->PlainString(), "web");
  EXPECT_EQ(web->properties.at("port").size(), 1u);
  EXPECT_EQ(web->properties.at("health").size(), 1u);

  // Map entries merge across the layers; the component's win.
  auto stack = c->Lower();
  ASSERT_NE(stack, nullptr) << c->Rendered();
  const ir::Value* merged = stack->Find("web")->Find("env");
  ASSERT_NE(merged, nullptr);
  ASSERT_EQ(merged->entries.size(), 3u);
  EXPECT_EQ(merged->entries.at("A").LiteralText(), "base");
  EXPECT_EQ(merged->entries.at("B").LiteralText(), "mid");
  EXPECT_EQ(merged->entries.at("C").LiteralText(), "web");
  EXPECT_EQ(stack->Find("web")->Int("port"), 80);

  // Template bodies are checked on their own.
  auto own = Check("stack s\ntemplate t : database { prot = 5432 }\n");
  ASSERT_EQ(own->Codes(), Strings({"E0203"}));
  EXPECT_EQ(own->Sorted()[0].message, "unknown property 'prot' in template 't'");
  EXPECT_EQ(own->Sorted()[0].fixits.at(0).replacement, "port");
}

TEST(Sema, UnknownTemplate) {
  auto c = Check("stack s\nimport \"std/rails\"\napp web : rails_ap {}\n");
  ASSERT_EQ(c->Codes(), Strings({"E0209"})) << c->Rendered();
  Diagnostic d = c->Sorted()[0];
  EXPECT_EQ(d.message, "unknown template 'rails_ap'");
  EXPECT_EQ(c->At(d.range), "rails_ap");
  EXPECT_EQ(d.notes.at(0).message, "did you mean 'rails_app'?");
  EXPECT_EQ(d.fixits.at(0).replacement, "rails_app");

  // A standard template that was not imported.
  auto unimported = Check("stack s\napp web : rails_app {}\n");
  ASSERT_EQ(unimported->Codes(), Strings({"E0209"})) << unimported->Rendered();
  EXPECT_EQ(unimported->Sorted()[0].notes.at(0).message,
            "template 'rails_app' is defined in std/rails; add import \"std/rails\"");

  // Nothing close: say how templates come about.
  auto bare = Check("stack s\napp web : webby { image = \"x\" }\n");
  ASSERT_EQ(bare->Codes(), Strings({"E0209"}));
  ASSERT_EQ(bare->Sorted()[0].notes.size(), 1u);
  EXPECT_EQ(bare->Sorted()[0].notes[0].message,
            "a template is declared with 'template NAME : KIND { ... }' or imported");
}

TEST(Sema, TemplateKindMismatch) {
  auto c = Check("stack s\nimport \"std/rails\"\ndatabase db : rails_migrate { image = \"x\" port = 1 }\n");
  ASSERT_EQ(c->Codes(), Strings({"E0210"})) << c->Rendered();
  Diagnostic d = c->Sorted()[0];
  EXPECT_EQ(d.message, "template 'rails_migrate' is for a task, but 'db' is a database");
  EXPECT_EQ(c->At(d.range), "rails_migrate");
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(d.notes[0].message, "template 'rails_migrate' is declared here");
  EXPECT_EQ(c->sources.name(d.notes[0].range.file), "std/rails.stack");
  // The template contributes nothing to a component of another kind.
  EXPECT_TRUE(c->checked.FindComponent("db")->templates.empty());
  EXPECT_EQ(c->checked.FindComponent("db")->properties.count("role"), 0u);
}

TEST(Sema, TemplateCycleIsReportedOnceWithoutFollowUpErrors) {
  auto c = Check(
      "stack s\n"
      "template b : a {}\n"
      "template a : b {}\n"
      "template self_loop : self_loop {}\n"
      "app x : a {}\n");
  // One per cycle, from its alphabetically first template; the component
  // adds no missing-property error on top of its broken base.
  std::vector<Diagnostic> d = c->Sorted();
  ASSERT_EQ(c->Codes(), Strings({"E0211", "E0211"})) << c->Rendered();
  EXPECT_EQ(d[0].message, "templates extend each other in a cycle: a -> b -> a");
  EXPECT_EQ(c->sources.Position(d[0].range.file, d[0].range.begin).line, 3u);
  EXPECT_EQ(c->At(d[0].range), "b");
  ASSERT_EQ(d[0].notes.size(), 1u);
  EXPECT_EQ(d[0].notes[0].message, "'b' extends 'a' here");
  EXPECT_EQ(c->sources.Position(d[0].notes[0].range.file, d[0].notes[0].range.begin).line, 2u);
  EXPECT_EQ(d[1].message, "templates extend each other in a cycle: self_loop -> self_loop");
  EXPECT_TRUE(d[1].notes.empty());
  EXPECT_TRUE(c->checked.FindComponent("x")->templates.empty());
}

TEST(Sema, ProfilePathChecks) {
  auto c = Check(
      "stack s\n"
      "param mode = \"dev\"\n"
      "app web { image = \"x\" port = 80 }\n"
      "database db { image = \"x\" port = 1 }\n"
      "profile p {\n"
      "  mode.x = \"a\"\n"
      "  wbe.replicas = 2\n"
      "  db = 3\n"
      "  web.replics = 2\n"
      "  web.compose.source_mount = \"/x\"\n"
      "  web.compose.nope = 1\n"
      "  web.port = \"80\"\n"
      "  mode = 3\n"
      "  web.port = 81\n"
      "}\n");
  std::vector<Diagnostic> d = c->Sorted();
  ASSERT_EQ(c->Codes(), Strings({"E0222", "E0222", "E0222", "E0222", "E0222", "E0204", "E0204", "E0212"}))
      << c->Rendered();
  EXPECT_EQ(d[0].message, "'mode' is a param; a profile sets it as 'mode = ...'");
  EXPECT_EQ(c->At(d[0].range), "mode.x");
  EXPECT_EQ(d[1].message, "profile 'p' sets 'wbe.replicas', which is neither a param, a component nor a target's settings");
  EXPECT_EQ(c->At(d[1].range), "wbe");
  EXPECT_EQ(d[1].fixits.at(0).replacement, "web");
  EXPECT_EQ(d[2].message, "'db' is a database; name one of its properties, e.g. 'db.image'");
  EXPECT_EQ(d[3].message, "profile 'p' sets 'web.replics', but app 'web' has no such property");
  EXPECT_EQ(c->At(d[3].range), "replics");
  EXPECT_EQ(d[3].fixits.at(0).replacement, "replicas");
  EXPECT_EQ(d[4].message, "profile 'p' sets 'web.compose.nope', but app 'web' has no such property");
  EXPECT_EQ(d[5].message, "'port' of app 'web' expects an int, found a string");
  EXPECT_EQ(d[6].message, "param 'mode' expects a string, found an int");
  EXPECT_EQ(d[7].message, "'web.port' is set twice in profile 'p'");
  EXPECT_EQ(c->At(d[7].range), "web.port");
}

TEST(Sema, InvalidDnsNamesGetAFixIt) {
  auto c = Check("stack My_Stack\napp Web_App { image = \"x\" }\napp " + std::string(64, 'a') + " { image = \"x\" }\n");
  std::vector<Diagnostic> d = c->Sorted();
  ASSERT_EQ(c->Codes(), Strings({"E0206", "E0206", "E0206"})) << c->Rendered();
  EXPECT_EQ(d[0].message, "stack name 'My_Stack' is not a valid DNS-1123 label");
  EXPECT_EQ(d[0].fixits.at(0).replacement, "my-stack");
  EXPECT_EQ(c->At(d[0].fixits.at(0).range), "My_Stack");
  EXPECT_EQ(d[1].message, "app name 'Web_App' is not a valid DNS-1123 label");
  EXPECT_EQ(d[1].fixits.at(0).replacement, "web-app");
  EXPECT_EQ(d[2].message, "app name '" + std::string(64, 'a') +
                              "' is not a valid DNS-1123 label: it has 64 characters, at most 63 are allowed");
  EXPECT_EQ(d[2].fixits.at(0).replacement, std::string(63, 'a'));
}

TEST(Sema, SelfReferences) {
  auto c = Check(
      "stack s\n"
      "param p = self.user\n"
      "database db {\n"
      "  image = \"x\"\n"
      "  port = 1\n"
      "  user = \"u\"\n"
      "  env = { A = self.user, B = self.usr, C = \"${self.user.x}\" }\n"
      "}\n");
  std::vector<Diagnostic> d = c->Sorted();
  ASSERT_EQ(c->Codes(), Strings({"E0204", "E0226", "E0226", "E0226"})) << c->Rendered();
  EXPECT_EQ(d[0].message,
            "the default of param 'p' must be a literal string, int, bool, quantity or duration");
  EXPECT_EQ(d[1].message, "'self' can only be used inside a component or template");
  EXPECT_EQ(c->At(d[1].range), "self");
  EXPECT_EQ(d[2].message, "'self' must be followed by one property of a database");
  EXPECT_EQ(c->At(d[2].range), "self.usr");
  EXPECT_EQ(d[2].notes.at(0).message, "did you mean 'self.user'?");
  EXPECT_EQ(d[2].fixits.at(0).replacement, "user");
  EXPECT_EQ(c->At(d[2].fixits.at(0).range), "usr");
  EXPECT_EQ(c->At(d[3].range), "self.user.x");
}

TEST(Sema, UnknownNamesAndAttributes) {
  auto c = Check(
      "stack s\n"
      "database postgres { image = \"x\" port = 1 }\n"
      "task t { image = \"x\" command = [\"a\"] }\n"
      "app web {\n"
      "  image = \"x\"\n"
      "  env = { A = postgre.url, B = postgres.hots, C = t.host, D = postgres.url.x }\n"
      "}\n");
  std::vector<Diagnostic> d = c->Sorted();
  ASSERT_EQ(c->Codes(), Strings({"E0202", "E0205", "E0205", "E0205"})) << c->Rendered();
  EXPECT_EQ(d[0].message, "unknown name 'postgre'");
  EXPECT_EQ(d[0].fixits.at(0).replacement, "postgres");
  EXPECT_EQ(d[1].message, "database 'postgres' has no attribute 'hots'");
  EXPECT_EQ(c->At(d[1].range), "hots");
  EXPECT_EQ(d[1].fixits.at(0).replacement, "host");
  EXPECT_EQ(d[1].notes.back().message, "a database exports: host, port, name, user, password, url");
  EXPECT_EQ(d[2].message, "task 't' has no attribute 'host'");
  EXPECT_EQ(d[2].notes.back().message, "a task exports no attributes");
  EXPECT_EQ(d[3].message, "'postgres.url.x' goes too deep: a reference is NAME or NAME.ATTRIBUTE");
  EXPECT_EQ(c->At(d[3].range), "postgres.url.x");
}

TEST(Sema, RequiredProperties) {
  auto c = Check(
      "stack s\n"
      "app web { health = \"/\" }\n"
      "app api { image = \"x\" }\n"
      "database db {}\n"
      "database db2 { image = \"x\" }\n"
      "task t {}\n"
      "task t2 { command = [\"a\"] }\n"
      "balancer lb {}\n"
      "balancer front { route = api }\n");
  std::vector<Diagnostic> d = c->Sorted();
  ASSERT_EQ(c->Codes(), Strings({"E0213", "E0213", "E0213", "E0213", "E0213", "E0213", "E0213"}))
      << c->Rendered();
  EXPECT_EQ(d[0].message, "app 'web' needs 'image' or 'build'");
  EXPECT_EQ(c->At(d[0].range), "web");
  EXPECT_EQ(d[1].message, "database 'db' needs 'image' and 'port' (or a template such as std/postgres that sets them)");
  EXPECT_EQ(d[2].message, "database 'db2' needs 'port' (or a template such as std/postgres that sets them)");
  EXPECT_EQ(d[3].message, "task 't' needs 'command', and 'from', 'image' or 'build'");
  EXPECT_EQ(d[4].message, "task 't2' needs 'from', 'image' or 'build'");
  EXPECT_EQ(d[5].message, "balancer 'lb' needs 'route'");
  EXPECT_EQ(d[6].message, "balancer 'front' routes to app 'api', which sets no 'port'");
  EXPECT_EQ(c->At(d[6].range), "api");
}

TEST(Sema, ParamTypes) {
  auto c = Check(
      "stack s\n"
      "param a: strng = \"x\"\n"
      "param b\n"
      "param c = 5m\n"
      "param d: duration = 5m\n"
      "param e: int = \"x\"\n");
  std::vector<Diagnostic> d = c->Sorted();
  ASSERT_EQ(c->Codes(), Strings({"E0219", "E0219", "E0225", "E0204"})) << c->Rendered();
  EXPECT_EQ(d[0].message, "unknown type 'strng' for param 'a'");
  EXPECT_EQ(d[0].fixits.at(0).replacement, "string");
  EXPECT_EQ(d[1].message, "param 'b' needs a type or a default value");
  ASSERT_EQ(d[1].fixits.size(), 1u);
  EXPECT_EQ(d[1].fixits[0].range.begin, d[1].fixits[0].range.end);
  EXPECT_EQ(d[1].fixits[0].range.begin, d[1].range.end);
  EXPECT_EQ(d[1].fixits[0].replacement, ": string");
  EXPECT_EQ(d[2].message, "'5m' could be a quantity (milli) or a duration (minutes)");
  EXPECT_EQ(d[2].notes.at(0).message, "declare the type: 'param c: quantity = 5m' or 'param c: duration = 5m'");
  EXPECT_EQ(d[3].message, "param 'e' expects an int, found a string");
  EXPECT_EQ(c->checked.params.at("d").type, ValueType::Duration);
}

TEST(Sema, StackDeclarations) {
  auto missing = Check("# comment\napp web { image = \"x\" }\n");
  ASSERT_EQ(missing->Codes(), Strings({"E0207"}));
  Diagnostic d = missing->Sorted()[0];
  // Inserted before the first declaration, named after the file.
  EXPECT_EQ(d.range, (SourceRange{missing->main_file(), 10, 10}));
  EXPECT_EQ(d.fixits.at(0).range, d.range);
  EXPECT_EQ(d.fixits.at(0).replacement, "stack test\n");

  MemoryReader reader{{"lib.stack", "stack lib\ntemplate t : app { port = 1 }\n"}};
  auto twice = Check("stack a\nstack b\nimport \"lib\"\n", reader);
  std::vector<Diagnostic> all = twice->Sorted();
  ASSERT_EQ(twice->Codes(), Strings({"E0208", "E0208"})) << twice->Rendered();
  EXPECT_EQ(all[0].message, "the stack is already declared");
  EXPECT_EQ(all[0].notes.at(0).message, "stack 'a' is declared here");
  EXPECT_EQ(all[1].message, "an imported module cannot declare a stack; only the stack file itself does");
  EXPECT_EQ(twice->sources.name(all[1].range.file), "lib.stack");
  EXPECT_EQ(twice->checked.name, "a");
}

TEST(Sema, ImportsResolveThroughTheReader) {
  MemoryReader reader{{"lib/web.stack", "import \"base\"\ntemplate web : base_app { health = \"/\" }\n"},
                      {"lib/base.stack", "template base_app : app { port = 8080 }\n"}};
  auto c = Check("stack s\nimport \"lib/web\"\napp site : web { image = \"x\" }\n", reader);
  ASSERT_EQ(c->Rendered(), "");
  ASSERT_EQ(c->modules.modules.size(), 3u);
  EXPECT_EQ(c->sources.name(c->modules.modules[1].file), "lib/web.stack");
  EXPECT_EQ(c->sources.name(c->modules.modules[2].file), "lib/base.stack");
  const CheckedComponent* site = c->checked.FindComponent("site");
  ASSERT_EQ(site->templates.size(), 2u);
  EXPECT_EQ(site->templates[0]->name.name, "base_app");

  auto missing = Check("stack s\nimport \"nowhere\"\nimport \"std/postgre\"\n", reader);
  std::vector<Diagnostic> d = missing->Sorted();
  ASSERT_EQ(missing->Codes(), Strings({"E0151", "E0151"})) << missing->Rendered();
  EXPECT_EQ(d[0].message, "cannot find module 'nowhere' (looked for 'nowhere.stack')");
  EXPECT_EQ(d[1].message, "no standard module 'std/postgre'");
  EXPECT_EQ(d[1].fixits.at(0).replacement, "\"std/postgres\"");
  EXPECT_FALSE(missing->analyzed);

  MemoryReader cyclic_reader{{"a.stack", "import \"b\"\n"}, {"b.stack", "import \"a\"\n"}};
  auto cyclic = Check("stack s\nimport \"a\"\n", cyclic_reader);
  ASSERT_EQ(cyclic->Codes(), Strings({"E0152"})) << cyclic->Rendered();
  EXPECT_EQ(cyclic->Sorted()[0].message, "import cycle: a.stack -> b.stack -> a.stack");
}

TEST(Sema, KindArticlesInMessages) {
  auto c = Check(
      "stack s\n"
      "import \"std/postgres\"\n"
      "app web { image = \"x\" }\n"
      "task web { image = \"x\" command = [\"a\"] }\n"
      "app api : postgres {}\n"
      "profile p { web = 3 }\n");
  std::vector<Diagnostic> d = c->Sorted();
  ASSERT_EQ(c->Codes(), Strings({"E0201", "E0210", "E0222"})) << c->Rendered();
  EXPECT_EQ(d[0].message, "'web' is already declared as an app");
  EXPECT_EQ(d[1].message, "template 'postgres' is for a database, but 'api' is an app");
  EXPECT_EQ(d[2].message, "'web' is an app; name one of its properties, e.g. 'web.image'");
}

}  // namespace
}  // namespace stackc
