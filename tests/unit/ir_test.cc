// The IR: parameter and property resolution per profile, late-bound values,
// the dependency graph (edges, order, cycles) and the lints.
#include <gtest/gtest.h>

#include "tests/unit/test_util.h"

namespace stackc {
namespace {

using ir::EdgeKind;
using ir::TextPart;
using ir::Value;
using testing::Check;

std::vector<std::string> Strings(std::initializer_list<const char*> items) { return {items.begin(), items.end()}; }

std::vector<std::string> Names(const std::vector<const ir::Component*>& components) {
  std::vector<std::string> names;
  for (const ir::Component* c : components) names.push_back(c->name);
  return names;
}

// A stack of apps named `names` with a Needs edge for each (before, after).
std::unique_ptr<ir::Stack> MakeStack(const std::vector<std::string>& names,
                                     const std::vector<std::pair<std::string, std::string>>& edges) {
  std::vector<ir::Component> components;
  for (const std::string& name : names) components.push_back({ir::ComponentKind::App, name, {}, {}, {}});
  auto stack = std::make_unique<ir::Stack>(std::move(components));
  for (const auto& [before, after] : edges) stack->AddDependency(before, after, {EdgeKind::Needs, {}, ""});
  return stack;
}

TextPart Literal(std::string text) { return {TextPart::Kind::Literal, std::move(text), ""}; }
TextPart Secret(std::string name) { return {TextPart::Kind::Secret, std::move(name), ""}; }
TextPart Symbol(std::string component, std::string attribute) {
  return {TextPart::Kind::Symbol, std::move(component), std::move(attribute)};
}

// ---- Parameters and profiles --------------------------------------------------

constexpr char kParams[] =
    "stack s\n"
    "param mode = \"development\"\n"
    "param n: int = 1\n"
    "app web { image = \"web:${mode}\" replicas = n }\n"
    "profile test { mode = \"test\" }\n"
    "profile other {}\n";

TEST(Lower, ParamPrecedenceDefaultThenProfileThenSet) {
  auto c = Check(kParams);
  ASSERT_EQ(c->Rendered(), "");
  auto plain = c->Lower();
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(plain->params.at("mode").LiteralText(), "development");
  EXPECT_EQ(plain->Find("web")->Text("image"), "web:development");
  EXPECT_EQ(plain->profile, "");
  EXPECT_EQ(plain->name, "s");

  auto other = c->Lower("other");
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(other->Find("web")->Text("image"), "web:development");

  auto test = c->Lower("test");
  ASSERT_NE(test, nullptr);
  EXPECT_EQ(test->profile, "test");
  EXPECT_EQ(test->params.at("mode").LiteralText(), "test");
  EXPECT_EQ(test->Find("web")->Text("image"), "web:test");

  auto set = c->Lower("test", {{"mode", "cli"}, {"n", "3"}});
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(set->params.at("mode").LiteralText(), "cli");
  EXPECT_EQ(set->Find("web")->Text("image"), "web:cli");
  EXPECT_EQ(set->params.at("n").kind, Value::Kind::Int);
  EXPECT_EQ(set->Find("web")->Int("replicas"), 3);
  EXPECT_EQ(c->Rendered(), "");

  // Of two --set of one param the later wins.
  auto twice = c->Lower("", {{"mode", "a"}, {"mode", "b"}});
  ASSERT_NE(twice, nullptr);
  EXPECT_EQ(twice->params.at("mode").LiteralText(), "b");
}

TEST(Lower, SetValuesAreCheckedAgainstTheParamType) {
  auto c = Check(
      "stack s\n"
      "param n: int = 1\n"
      "param flag = false\n"
      "param size = 1Gi\n"
      "param wait: duration = 1m\n"
      "app web { image = \"x\" }\n");
  ASSERT_EQ(c->Rendered(), "");
  auto good = c->Lower("", {{"n", "-4"}, {"flag", "true"}, {"size", "512Mi"}, {"wait", "90s"}});
  ASSERT_NE(good, nullptr) << c->Rendered();
  EXPECT_EQ(good->params.at("n").number, -4);
  EXPECT_TRUE(good->params.at("flag").flag);
  EXPECT_EQ(good->params.at("size").kind, Value::Kind::Quantity);
  EXPECT_EQ(good->params.at("size").amount, 512.0 * 1024 * 1024);
  EXPECT_EQ(good->params.at("size").literal, "512Mi");
  EXPECT_EQ(good->params.at("wait").kind, Value::Kind::Duration);
  EXPECT_EQ(good->params.at("wait").number, 90'000);

  EXPECT_EQ(c->Lower("", {{"n", "3x"}}), nullptr);
  EXPECT_EQ(c->Lower("", {{"flag", "yes"}}), nullptr);
  EXPECT_EQ(c->Lower("", {{"wait", "10Gi"}}), nullptr);
  EXPECT_EQ(c->Lower("", {{"nn", "1"}}), nullptr);
  std::vector<Diagnostic> d = c->Sorted();
  // Command-line diagnostics have no location.
  ASSERT_EQ(c->Codes(), Strings({"E0223", "E0224", "E0224", "E0224"})) << c->Rendered();
  for (const Diagnostic& each : d) EXPECT_FALSE(each.range.valid());
  EXPECT_EQ(d[0].message, "--set nn: the stack declares no param 'nn'");
  EXPECT_EQ(d[0].notes.at(0).message, "did you mean 'n'?");
  EXPECT_EQ(d[0].notes.back().message, "the params are: flag, n, size, wait");
  EXPECT_EQ(d[1].message, "--set flag=yes: param 'flag' is a bool");
  EXPECT_EQ(d[2].message, "--set n=3x: param 'n' is an int");
  EXPECT_EQ(d[3].message, "--set wait=10Gi: param 'wait' is a duration");
}

TEST(Lower, ParamWithoutAnyValue) {
  auto c = Check("stack s\nparam tag: string\napp web { image = \"web:${tag}\" }\nprofile ci { tag = \"ci\" }\n");
  ASSERT_EQ(c->Rendered(), "");
  EXPECT_EQ(c->Lower(), nullptr);
  ASSERT_EQ(c->Codes(), Strings({"E0220"}));
  Diagnostic d = c->Sorted()[0];
  EXPECT_EQ(d.message, "param 'tag' has no value");
  EXPECT_EQ(c->At(d.range), "tag");
  EXPECT_EQ(d.notes.at(0).message, "give it a default, set it in a profile, or pass --set tag=VALUE");

  auto profiled = c->Lower("ci");
  ASSERT_NE(profiled, nullptr);
  EXPECT_EQ(profiled->Find("web")->Text("image"), "web:ci");
  auto set = c->Lower("", {{"tag", "v1"}});
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(set->Find("web")->Text("image"), "web:v1");
}

TEST(Lower, UnknownProfile) {
  auto c = Check("stack s\napp web { image = \"x\" }\nprofile production {}\nprofile test {}\n");
  EXPECT_EQ(c->Lower("prodution"), nullptr);
  ASSERT_EQ(c->Codes(), Strings({"E0221"}));
  Diagnostic d = c->Sorted()[0];
  EXPECT_EQ(d.message, "the stack declares no profile 'prodution'");
  ASSERT_EQ(d.notes.size(), 2u);
  EXPECT_EQ(d.notes[0].message, "did you mean 'production'?");
  EXPECT_EQ(d.notes[1].message, "the profiles are: production, test");
}

TEST(Lower, ProfileOverridesProperties) {
  auto c = Check(
      "stack s\n"
      "app web { image = \"x\" build = \".\" compose { source_mount = \"/app\" } }\n"
      "profile production {\n"
      "  web.replicas = 3\n"
      "  web.compose.source_mount = \"/srv\"\n"
      "}\n");
  ASSERT_EQ(c->Rendered(), "");
  auto plain = c->Lower();
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(plain->Find("web")->Int("replicas"), 1);
  EXPECT_FALSE(plain->Find("web")->Find("replicas")->origin.valid());
  EXPECT_EQ(plain->Find("web")->Text("compose.source_mount"), "/app");

  auto production = c->Lower("production");
  ASSERT_NE(production, nullptr);
  const ir::Component* web = production->Find("web");
  EXPECT_EQ(web->Int("replicas"), 3);
  EXPECT_EQ(c->At(web->Find("replicas")->origin), "3");
  EXPECT_EQ(web->Text("compose.source_mount"), "/srv");
  EXPECT_EQ(c->sources.Position(c->main_file(), web->Find("compose.source_mount")->origin.begin).line, 5u);
}

TEST(Lower, EnvMapsMergeAcrossTemplatesComponentAndProfile) {
  auto c = Check(
      "stack s\n"
      "template base : app { env = { A = \"t\", B = \"t\", C = \"t\" } }\n"
      "app web : base { image = \"x\" env = { B = \"c\", D = 4 } }\n"
      "profile p { web.env = { C = \"p\", E = true } }\n");
  ASSERT_EQ(c->Rendered(), "");
  auto stack = c->Lower("p");
  ASSERT_NE(stack, nullptr);
  const Value* env = stack->Find("web")->Find("env");
  ASSERT_NE(env, nullptr);
  EXPECT_EQ(env->kind, Value::Kind::Map);
  std::vector<std::string> keys;
  for (const auto& [key, value] : env->entries) keys.push_back(key + "=" + value.LiteralText());
  EXPECT_EQ(keys, Strings({"A=t", "B=c", "C=p", "D=4", "E=true"}));
  EXPECT_EQ(env->entries.at("D").kind, Value::Kind::Int);
  EXPECT_EQ(env->entries.at("E").kind, Value::Kind::Bool);
}

TEST(Lower, TaskFromInheritsImageBuildAndEnvironment) {
  auto c = Check(
      "stack s\n"
      "import \"std/postgres\"\n"
      "database postgres : postgres { name = \"n\" user = \"u\" password = secret(\"pw\") }\n"
      "app web {\n"
      "  image = \"web:1\"\n"
      "  build = \".\"\n"
      "  dockerfile = \"Dockerfile.prod\"\n"
      "  env = { A = \"app\", B = \"app\", DB = postgres.url }\n"
      "}\n"
      "task setup { from = web command = [\"migrate\"] env = { B = \"task\" } before = [web] }\n"
      "task other { from = web image = \"other:2\" command = [\"x\"] before = [web] }\n");
  ASSERT_EQ(c->Rendered(), "");
  auto stack = c->Lower();
  ASSERT_NE(stack, nullptr);
  const ir::Component* setup = stack->Find("setup");
  EXPECT_EQ(setup->Text("image"), "web:1");
  EXPECT_EQ(setup->Text("build"), ".");
  EXPECT_EQ(setup->Text("dockerfile"), "Dockerfile.prod");
  const Value* env = setup->Find("env");
  ASSERT_NE(env, nullptr);
  ASSERT_EQ(env->entries.size(), 3u);
  EXPECT_EQ(env->entries.at("A").LiteralText(), "app");
  EXPECT_EQ(env->entries.at("B").LiteralText(), "task");
  EXPECT_TRUE(env->entries.at("DB").HasSecret());
  // The task uses postgres.url through the app's environment, so it waits
  // for postgres too; `from` itself orders nothing.
  auto deps = stack->DependenciesOf(*setup);
  ASSERT_EQ(deps.size(), 1u);
  EXPECT_EQ(deps[0].first->name, "postgres");
  EXPECT_EQ(deps[0].second->kind, EdgeKind::Reference);
  EXPECT_EQ(deps[0].second->attribute, "url");
  // An image of its own is kept.
  EXPECT_EQ(stack->Find("other")->Text("image"), "other:2");
  EXPECT_EQ(stack->Find("other")->Text("build"), ".");
  // The app is unchanged.
  EXPECT_EQ(stack->Find("web")->Find("env")->entries.at("B").LiteralText(), "app");
}

// ---- Values -----------------------------------------------------------------

TEST(Lower, LateBoundAttributesStaySymbolic) {
  auto c = Check(
      "stack s\n"
      "import \"std/postgres\"\n"
      "database postgres : postgres { name = \"shop\" user = \"u\" password = secret(\"db-password\") }\n"
      "app web {\n"
      "  image = \"x\"\n"
      "  port = 3000\n"
      "  env = {\n"
      "    HOST = postgres.host\n"
      "    URL = postgres.url\n"
      "    ADDR = \"${postgres.host}:${postgres.port}\"\n"
      "    PORT = postgres.port\n"
      "  }\n"
      "}\n"
      "app api { image = \"x\" env = { WEB = web.url } }\n");
  ASSERT_EQ(c->Rendered(), "");
  auto stack = c->Lower();
  ASSERT_NE(stack, nullptr);
  const auto& env = stack->Find("web")->Find("env")->entries;

  const Value& host = env.at("HOST");
  EXPECT_EQ(host.kind, Value::Kind::Text);
  EXPECT_EQ(host.text, std::vector<TextPart>{Symbol("postgres", "host")});
  EXPECT_FALSE(host.IsLiteralText());

  const Value& url = env.at("URL");
  EXPECT_EQ(url.kind, Value::Kind::Text);
  EXPECT_EQ(url.text, (std::vector<TextPart>{Literal("postgres://u:"), Secret("db-password"), Literal("@"),
                                             Symbol("postgres", "host"), Literal(":5432/shop")}));
  EXPECT_TRUE(url.HasSecret());
  EXPECT_EQ(url.LiteralText(), "postgres://u:@:5432/shop");

  EXPECT_EQ(env.at("ADDR").text, (std::vector<TextPart>{Symbol("postgres", "host"), Literal(":5432")}));
  EXPECT_EQ(env.at("PORT").kind, Value::Kind::Int);
  EXPECT_EQ(env.at("PORT").number, 5432);

  EXPECT_EQ(stack->Find("api")->Find("env")->entries.at("WEB").text,
            (std::vector<TextPart>{Literal("http://"), Symbol("web", "host"), Literal(":3000")}));
}

TEST(Lower, SchemaDefaultsAndUnits) {
  auto c = Check(
      "stack s\n"
      "param t: duration = 1m\n"
      "param q: quantity = 5m\n"
      "database db { image = \"x\" port = 1 storage = 10Gi }\n"
      "database slow { image = \"x\" port = 1 ready_interval = 2m }\n"
      "app web { image = \"x\" port = 80 cpu = 250m memory = 1.5Gi }\n"
      "task job { image = \"x\" command = [\"a\"] }\n"
      "balancer front { route = web }\n");
  ASSERT_EQ(c->Rendered(), "");
  auto stack = c->Lower();
  ASSERT_NE(stack, nullptr);
  EXPECT_EQ(stack->params.at("t").kind, Value::Kind::Duration);
  EXPECT_EQ(stack->params.at("t").number, 60'000);
  EXPECT_EQ(stack->params.at("q").kind, Value::Kind::Quantity);
  EXPECT_DOUBLE_EQ(stack->params.at("q").amount, 0.005);

  const ir::Component* db = stack->Find("db");
  EXPECT_EQ(db->Find("ready_interval")->kind, Value::Kind::Duration);
  EXPECT_EQ(db->Find("ready_interval")->number, 5000);
  EXPECT_EQ(db->Text("ready_interval"), "5s");
  EXPECT_EQ(db->Int("ready_retries"), 10);
  EXPECT_EQ(db->Find("storage")->kind, Value::Kind::Quantity);
  EXPECT_EQ(db->Find("storage")->amount, 10.0 * (1 << 30));
  EXPECT_EQ(db->Find("env")->kind, Value::Kind::Map);
  EXPECT_EQ(stack->Find("slow")->Find("ready_interval")->kind, Value::Kind::Duration);
  EXPECT_EQ(stack->Find("slow")->Find("ready_interval")->number, 120'000);

  const ir::Component* web = stack->Find("web");
  EXPECT_EQ(web->Int("replicas"), 1);
  EXPECT_EQ(web->Find("cpu")->kind, Value::Kind::Quantity);
  EXPECT_DOUBLE_EQ(web->Find("cpu")->amount, 0.25);
  EXPECT_DOUBLE_EQ(web->Find("memory")->amount, 1.5 * (1 << 30));
  EXPECT_EQ(stack->Find("job")->Text("role"), "setup");
  EXPECT_EQ(stack->Find("front")->Int("port"), 80);
  EXPECT_EQ(stack->Find("front")->Find("public")->kind, Value::Kind::Bool);
  EXPECT_FALSE(stack->Find("front")->Bool("public"));
  EXPECT_EQ(stack->Find("front")->Refs("route"), Strings({"web"}));
  // Unset properties without defaults stay absent.
  EXPECT_EQ(web->Find("health"), nullptr);
  EXPECT_EQ(web->Text("health"), "");
  EXPECT_EQ(web->Int("health"), std::nullopt);
}

// ---- Stack-level target settings ------------------------------------------------

TEST(Lower, TargetSettingsDefaultsWithoutABlock) {
  auto c = Check("stack s\napp web { image = \"x\" }\n");
  ASSERT_EQ(c->Rendered(), "");
  auto stack = c->Lower();
  ASSERT_NE(stack, nullptr);
  ASSERT_NE(stack->FindSetting("ecs.launch_type"), nullptr);
  EXPECT_EQ(stack->FindSetting("ecs.launch_type")->LiteralText(), "fargate");
  EXPECT_EQ(stack->FindSetting("ecs.instances")->kind, Value::Kind::Int);
  EXPECT_EQ(stack->FindSetting("ecs.instances")->number, 1);
  EXPECT_EQ(stack->FindSetting("ecs.instance_type")->LiteralText(), "t3.medium");
  EXPECT_EQ(stack->FindSetting("ecs.execution_role")->LiteralText(), "ecsTaskExecutionRole");
  EXPECT_EQ(stack->FindSetting("ecs.assign_public_ip")->kind, Value::Kind::Bool);
  EXPECT_TRUE(stack->FindSetting("ecs.assign_public_ip")->flag);
  // No default: absent, so that a backend can tell "unset" apart.
  EXPECT_EQ(stack->FindSetting("ecs.cluster"), nullptr);
  EXPECT_EQ(stack->FindSetting("ecs.subnets"), nullptr);
  EXPECT_EQ(stack->FindSetting("ecs.nope"), nullptr);
  // The CI settings' defaults, and deploy_profile absent: the build's own.
  EXPECT_EQ(stack->FindSetting("ci.deploy")->LiteralText(), "kubernetes");
  EXPECT_EQ(stack->FindSetting("ci.branch")->LiteralText(), "main");
  EXPECT_EQ(stack->FindSetting("ci.deploy_dir")->LiteralText(), ".");
  EXPECT_EQ(stack->FindSetting("ci.deploy_profile"), nullptr);
  for (const auto& [key, value] : stack->settings) {
    EXPECT_TRUE(key.starts_with("ecs.") || key.starts_with("ci.")) << key;
  }
  EXPECT_EQ(stack->settings.size(), 10u);
}

constexpr char kSettings[] =
    "stack s\n"
    "param stage = \"dev\"\n"
    "param count = 2\n"
    "param net = \"0b\"\n"
    "ecs {\n"
    "  cluster     = \"${stage}-cluster\"\n"
    "  launch_type = \"ec2\"\n"
    "  instances   = count\n"
    "  subnets     = [\"subnet-0a\", \"subnet-${net}\"]\n"
    "}\n"
    "app web { image = \"x\" }\n"
    "profile production {\n"
    "  stage                = \"prod\"\n"
    "  ecs.launch_type      = \"fargate\"\n"
    "  ecs.assign_public_ip = false\n"
    "  ecs.region           = \"eu-west-${count}\"\n"
    "}\n";

TEST(Lower, TargetSettingsPrecedenceSetThenProfileThenBlockThenDefault) {
  auto c = Check(kSettings);
  ASSERT_EQ(c->Rendered(), "");
  auto plain = c->Lower();
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(plain->FindSetting("ecs.cluster")->LiteralText(), "dev-cluster");
  EXPECT_EQ(plain->FindSetting("ecs.launch_type")->LiteralText(), "ec2");
  EXPECT_EQ(plain->FindSetting("ecs.instances")->number, 2);
  ASSERT_EQ(plain->FindSetting("ecs.subnets")->kind, Value::Kind::List);
  ASSERT_EQ(plain->FindSetting("ecs.subnets")->items.size(), 2u);
  EXPECT_EQ(plain->FindSetting("ecs.subnets")->items[1].LiteralText(), "subnet-0b");
  EXPECT_TRUE(plain->FindSetting("ecs.assign_public_ip")->flag);
  EXPECT_EQ(plain->FindSetting("ecs.region"), nullptr);
  EXPECT_EQ(c->At(plain->FindSetting("ecs.launch_type")->origin), "\"ec2\"");

  auto production = c->Lower("production");
  ASSERT_NE(production, nullptr);
  EXPECT_EQ(production->FindSetting("ecs.cluster")->LiteralText(), "prod-cluster");
  EXPECT_EQ(production->FindSetting("ecs.launch_type")->LiteralText(), "fargate");
  EXPECT_FALSE(production->FindSetting("ecs.assign_public_ip")->flag);
  EXPECT_EQ(production->FindSetting("ecs.region")->LiteralText(), "eu-west-2");
  EXPECT_EQ(production->FindSetting("ecs.instance_type")->LiteralText(), "t3.medium");

  // --set beats the profile and the block, through the params they use.
  auto set = c->Lower("production", {{"stage", "staging"}, {"count", "3"}});
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(set->FindSetting("ecs.cluster")->LiteralText(), "staging-cluster");
  EXPECT_EQ(set->FindSetting("ecs.instances")->number, 3);
  EXPECT_EQ(set->FindSetting("ecs.region")->LiteralText(), "eu-west-3");
}

TEST(Lower, TargetSettingsFormatsOfValuesMadeFromParams) {
  auto c = Check(
      "stack s\n"
      "param zone = \"west\"\n"
      "param office = \"203.0.113.7/32\"\n"
      "ecs { region = \"eu-${zone}-1\" ssh_from = office }\n");
  ASSERT_EQ(c->Rendered(), "");
  ASSERT_NE(c->Lower(), nullptr);
  EXPECT_EQ(c->Rendered(), "");
  auto bad = c->Lower("", {{"zone", "West"}, {"office", "203.0.113.7"}});
  EXPECT_EQ(bad, nullptr);
  std::vector<Diagnostic> d = c->Sorted();
  ASSERT_EQ(testing::Codes(d), Strings({"E0214", "E0214"})) << c->Rendered();
  EXPECT_EQ(d[0].message, "'region' of the ecs settings must be an AWS region such as \"eu-west-1\", found \"eu-West-1\"");
  EXPECT_EQ(c->At(d[0].range), "\"eu-${zone}-1\"");
  EXPECT_EQ(c->At(d[1].range), "office");
}

TEST(Lower, TargetSettingsHiddenByAComponentComeFromTheBlock) {
  auto c = Check(
      "stack s\n"
      "app ecs { image = \"x\" }\n"
      "ecs { launch_type = \"ec2\" }\n"
      "profile p { ecs.replicas = 2 }\n");
  ASSERT_EQ(c->Rendered(), "");
  auto stack = c->Lower("p");
  ASSERT_NE(stack, nullptr);
  EXPECT_EQ(stack->Find("ecs")->Int("replicas"), 2);
  EXPECT_EQ(stack->FindSetting("ecs.launch_type")->LiteralText(), "ec2");
  EXPECT_EQ(stack->FindSetting("ecs.replicas"), nullptr);
}

TEST(Lower, ComponentEcsBlocksGetTheirDefaults) {
  auto c = Check(
      "stack s\n"
      "database db { image = \"x\" port = 1 ecs { multi_az = true } }\n"
      "app web { image = \"x\" ecs { cpu_units = 256 } }\n"
      "profile production { db.ecs.instance_class = \"db.m5.large\" }\n");
  ASSERT_EQ(c->Rendered(), "");
  auto plain = c->Lower();
  ASSERT_NE(plain, nullptr);
  const ir::Component* db = plain->Find("db");
  EXPECT_EQ(db->Text("ecs.instance_class"), "db.t3.micro");
  EXPECT_TRUE(db->Bool("ecs.multi_az"));
  EXPECT_EQ(db->Find("ecs.publicly_accessible")->kind, Value::Kind::Bool);
  EXPECT_FALSE(db->Bool("ecs.publicly_accessible"));
  EXPECT_EQ(db->Find("ecs.engine_version"), nullptr);
  EXPECT_EQ(plain->Find("web")->Int("ecs.cpu_units"), 256);
  EXPECT_EQ(plain->Find("web")->Find("ecs.memory_mib"), nullptr);
  auto production = c->Lower("production");
  ASSERT_NE(production, nullptr);
  EXPECT_EQ(production->Find("db")->Text("ecs.instance_class"), "db.m5.large");
}

TEST(Lower, ValuesThatCannotBeComputed) {
  auto c = Check("stack s\ndatabase db { image = \"x\" port = 1 env = { U = self.user } }\n");
  ASSERT_EQ(c->Rendered(), "");
  EXPECT_EQ(c->Lower(), nullptr);
  ASSERT_EQ(c->Codes(), Strings({"E0226"}));
  Diagnostic d = c->Sorted()[0];
  EXPECT_EQ(d.message, "database 'db' uses self.user but does not set 'user'");
  EXPECT_EQ(c->At(d.range), "db");
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(d.notes[0].message, "self.user is used here");
  EXPECT_EQ(c->At(d.notes[0].range), "self.user");

  // An attribute of an unset property.
  auto attr = Check("stack s\napp web { image = \"x\" }\napp api { image = \"x\" env = { U = web.url } }\n");
  ASSERT_EQ(attr->Rendered(), "");
  EXPECT_EQ(attr->Lower(), nullptr);
  ASSERT_EQ(attr->Codes(), Strings({"E0205"}));
  Diagnostic a = attr->Sorted()[0];
  EXPECT_EQ(a.message, "'web.url' has no value: app 'web' does not set 'port'");
  EXPECT_EQ(attr->At(a.range), "web.url");

  // A value defined through itself.
  auto cycle = Check("stack s\ndatabase db { image = \"x\" port = 1 name = \"db-${self.name}\" }\n");
  ASSERT_EQ(cycle->Rendered(), "");
  EXPECT_EQ(cycle->Lower(), nullptr);
  const Diagnostic* v = cycle->Find("E0302");
  ASSERT_NE(v, nullptr) << cycle->Rendered();
  EXPECT_EQ(v->message, "'db.name' is defined through itself: db.name -> db.name");
  EXPECT_EQ(cycle->At(v->range), "${self.name}");
}

// ---- The graph -----------------------------------------------------------------

TEST(Graph, EdgesHaveKindsAndOrigins) {
  auto c = Check(
      "stack s\n"
      "database db { image = \"x\" port = 1 }\n"
      "app web { image = \"x\" port = 80 env = { U = \"${db.host}\" } needs = [db] }\n"
      "task migrate { image = \"x\" command = [\"m\"] before = [web] }\n"
      "app worker { image = \"${web.image}\" after = [web] }\n"
      "balancer front { route = web }\n");
  ASSERT_EQ(c->Rendered(), "");
  auto stack = c->Lower("", {}, /*lint=*/false);
  ASSERT_NE(stack, nullptr);
  const ir::Component& web = *stack->Find("web");

  auto deps = stack->DependenciesOf(web);
  ASSERT_EQ(deps.size(), 3u);
  EXPECT_EQ(deps[0].first->name, "db");
  EXPECT_EQ(deps[0].second->kind, EdgeKind::Reference);
  EXPECT_EQ(deps[0].second->attribute, "host");
  EXPECT_EQ(c->At(deps[0].second->origin), "${db.host}");
  EXPECT_EQ(deps[1].first->name, "db");
  EXPECT_EQ(deps[1].second->kind, EdgeKind::Needs);
  EXPECT_EQ(deps[1].second->attribute, "");
  EXPECT_EQ(c->At(deps[1].second->origin), "db");
  EXPECT_EQ(c->sources.Position(c->main_file(), deps[1].second->origin.begin).line, 3u);
  EXPECT_EQ(deps[2].first->name, "migrate");
  EXPECT_EQ(deps[2].second->kind, EdgeKind::Before);
  EXPECT_EQ(c->At(deps[2].second->origin), "web");
  EXPECT_EQ(c->sources.Position(c->main_file(), deps[2].second->origin.begin).line, 4u);

  auto dependents = stack->DependentsOf(web);
  ASSERT_EQ(dependents.size(), 2u);
  EXPECT_EQ(dependents[0].first->name, "front");
  EXPECT_EQ(dependents[0].second->kind, EdgeKind::Route);
  EXPECT_EQ(c->sources.Position(c->main_file(), dependents[0].second->origin.begin).line, 6u);
  EXPECT_EQ(dependents[1].first->name, "worker");
  EXPECT_EQ(dependents[1].second->kind, EdgeKind::After);
  // An image is a build-time fact: referencing it orders nothing.
  EXPECT_EQ(stack->Find("worker")->Text("image"), "x");

  EXPECT_EQ(boost::num_edges(stack->graph()), 5u);
  EXPECT_EQ(ir::EdgeKindName(EdgeKind::Reference), "reference");
  EXPECT_EQ(ir::EdgeKindName(EdgeKind::Needs), "needs");
  EXPECT_EQ(ir::EdgeKindName(EdgeKind::Before), "before");
  EXPECT_EQ(ir::EdgeKindName(EdgeKind::After), "after");
  EXPECT_EQ(ir::EdgeKindName(EdgeKind::Route), "route");
}

TEST(Graph, ComponentsAndEdges) {
  auto stack = MakeStack({"a", "b"}, {{"a", "b"}, {"a", "b"}});
  EXPECT_EQ(boost::num_edges(stack->graph()), 1u);
  stack->AddDependency("a", "b", {EdgeKind::After, {}, ""});
  EXPECT_EQ(boost::num_edges(stack->graph()), 2u);
  stack->AddDependency("a", "nope", {EdgeKind::After, {}, ""});
  stack->AddDependency("nope", "a", {EdgeKind::After, {}, ""});
  EXPECT_EQ(boost::num_edges(stack->graph()), 2u);
  // Two edges between one pair still order it once.
  EXPECT_EQ(Names(stack->TopologicalOrder()), Strings({"a", "b"}));

  // Components are sorted by name.
  auto sorted = MakeStack({"web", "api", "db"}, {});
  EXPECT_EQ(sorted->components()[0].name, "api");
  EXPECT_EQ(sorted->components()[1].name, "db");
  EXPECT_EQ(sorted->components()[2].name, "web");
  EXPECT_EQ(sorted->Find("db"), &sorted->components()[1]);
  EXPECT_EQ(sorted->Find("dd"), nullptr);
  EXPECT_EQ(sorted->Find(""), nullptr);
}

TEST(Graph, TopologicalOrderBreaksTiesByName) {
  // Without edges: alphabetical.
  EXPECT_EQ(Names(MakeStack({"c", "a", "b"}, {})->TopologicalOrder()), Strings({"a", "b", "c"}));
  // c -> b and d -> a: of the ready components the first by name goes
  // first, so b (freed by c) comes before d.
  EXPECT_EQ(Names(MakeStack({"a", "b", "c", "d"}, {{"c", "b"}, {"d", "a"}})->TopologicalOrder()),
            Strings({"c", "b", "d", "a"}));
  // z -> m, z -> b, b -> y, and a on its own.
  EXPECT_EQ(Names(MakeStack({"a", "b", "m", "y", "z"}, {{"z", "m"}, {"z", "b"}, {"b", "y"}})->TopologicalOrder()),
            Strings({"a", "z", "b", "m", "y"}));
  // A diamond waits for both sides.
  EXPECT_EQ(Names(MakeStack({"top", "left", "right", "bottom"},
                            {{"top", "left"}, {"top", "right"}, {"left", "bottom"}, {"right", "bottom"}})
                      ->TopologicalOrder()),
            Strings({"top", "left", "right", "bottom"}));
}

TEST(Graph, TopologicalOrderOfALoweredStack) {
  auto c = Check(
      "stack s\n"
      "database db { image = \"x\" port = 1 }\n"
      "database cache { image = \"x\" port = 2 }\n"
      "app web { image = \"x\" port = 80 needs = [db, cache] }\n"
      "task migrate { image = \"x\" command = [\"m\"] needs = [db] before = [web] }\n"
      "balancer front { route = web }\n"
      "app admin { image = \"x\" }\n");
  auto stack = c->Lower("", {}, false);
  ASSERT_NE(stack, nullptr) << c->Rendered();
  EXPECT_EQ(Names(stack->TopologicalOrder()), Strings({"admin", "cache", "db", "migrate", "web", "front"}));
}

TEST(Graph, Reaches) {
  auto stack = MakeStack({"a", "b", "c", "d"}, {{"a", "b"}, {"b", "c"}});
  const auto* a = stack->Find("a");
  const auto* b = stack->Find("b");
  const auto* c = stack->Find("c");
  const auto* d = stack->Find("d");
  EXPECT_TRUE(stack->Reaches(*a, *b));
  EXPECT_TRUE(stack->Reaches(*a, *c));
  EXPECT_FALSE(stack->Reaches(*c, *a));
  EXPECT_FALSE(stack->Reaches(*b, *a));
  EXPECT_FALSE(stack->Reaches(*a, *d));
  EXPECT_FALSE(stack->Reaches(*d, *a));
}

TEST(Graph, FindCycleReturnsTheEdgesInOrder) {
  EXPECT_TRUE(MakeStack({"a", "b"}, {{"a", "b"}})->FindCycle().empty());
  auto stack = MakeStack({"a", "b", "c", "x"}, {{"x", "a"}, {"a", "b"}, {"b", "c"}, {"c", "a"}});
  auto cycle = stack->FindCycle();
  ASSERT_EQ(cycle.size(), 3u);
  std::vector<std::string> names;
  for (const auto& [component, edge] : cycle) {
    names.push_back(component->name);
    ASSERT_NE(edge, nullptr);
  }
  EXPECT_EQ(names, Strings({"a", "b", "c"}));
}

TEST(Graph, CycleReportNamesEveryComponentOnItInOrder) {
  auto c = Check(
      "stack s\n"
      "app a { image = \"x\" needs = [b] }\n"
      "app b { image = \"x\" needs = [c] }\n"
      "app c { image = \"x\" needs = [a] }\n");
  ASSERT_EQ(c->Rendered(), "");
  EXPECT_EQ(c->Lower(), nullptr);
  ASSERT_EQ(c->Codes(), Strings({"E0301"}));
  Diagnostic d = c->Sorted()[0];
  // An arrow reads "must be ready before".
  EXPECT_EQ(d.message, "dependency cycle: a -> c -> b -> a");
  EXPECT_EQ(c->sources.Position(c->main_file(), d.range.begin).line, 2u);
  EXPECT_EQ(c->At(d.range), "a");
  ASSERT_EQ(d.notes.size(), 3u);
  EXPECT_EQ(d.notes[0].message, "'c' needs 'a' here");
  EXPECT_EQ(c->sources.Position(c->main_file(), d.notes[0].range.begin).line, 4u);
  EXPECT_EQ(c->At(d.notes[0].range), "a");
  EXPECT_EQ(d.notes[1].message, "'b' needs 'c' here");
  EXPECT_EQ(d.notes[2].message, "'a' needs 'b' here");

  // A component leading into a cycle is not on it.
  auto lead = Check(
      "stack s\n"
      "app a { image = \"x\" }\n"
      "app b { image = \"x\" needs = [a, c] }\n"
      "app c { image = \"x\" needs = [b] }\n");
  EXPECT_EQ(lead->Lower(), nullptr);
  ASSERT_EQ(lead->Codes(), Strings({"E0301"}));
  Diagnostic l = lead->Sorted()[0];
  EXPECT_EQ(l.message, "dependency cycle: b -> c -> b");
  ASSERT_EQ(l.notes.size(), 2u);
  EXPECT_EQ(l.notes[0].message, "'c' needs 'b' here");
  EXPECT_EQ(l.notes[1].message, "'b' needs 'c' here");
}

TEST(Graph, CycleThroughAReferenceAndARoute) {
  auto c = Check(
      "stack s\n"
      "app web { image = \"x\" port = 80 env = { SELF_URL = front.url } }\n"
      "balancer front { route = web }\n"
      "task t { image = \"x\" command = [\"a\"] before = [u] }\n"
      "task u { image = \"x\" command = [\"a\"] after = [t] }\n");
  EXPECT_EQ(c->Lower(), nullptr);
  ASSERT_EQ(c->Codes(), Strings({"E0301"}));
  Diagnostic d = c->Sorted()[0];
  EXPECT_EQ(d.message, "dependency cycle: front -> web -> front");
  ASSERT_EQ(d.notes.size(), 2u);
  EXPECT_EQ(d.notes[0].message, "'web' uses front.url here");
  EXPECT_EQ(c->At(d.notes[0].range), "front.url");
  EXPECT_EQ(d.notes[1].message, "balancer 'front' routes to 'web' here");
  EXPECT_EQ(c->At(d.notes[1].range), "web");
}

// ---- Lints --------------------------------------------------------------------

constexpr char kLinted[] =
    "stack s\n"
    "database db { image = \"postgres\" port = 1 password = \"hunter2\" }\n"
    "app web { image = \"web:latest\" env = { API_PASSWORD = \"x\", DB_PASSWORD = secret(\"pw\") } }\n"
    "app pinned { image = \"me/web:1.2\" }\n"
    "app registry { image = \"localhost:5000/web\" }\n"
    "profile production {}\n"
    "profile staging {}\n";

TEST(Lint, LiteralPasswordsInEveryProfile) {
  auto c = Check(kLinted);
  ASSERT_EQ(c->Rendered(), "");
  ASSERT_NE(c->Lower("staging"), nullptr);
  std::vector<Diagnostic> d = c->Sorted();
  ASSERT_EQ(c->Codes(), Strings({"W0501", "W0501"})) << c->Rendered();
  EXPECT_EQ(d[0].message, "the password of database 'db' is a literal, not a secret");
  EXPECT_EQ(c->At(d[0].range), "\"hunter2\"");
  EXPECT_EQ(d[0].fixits.at(0).replacement, "secret(\"db-password\")");
  EXPECT_EQ(d[1].message, "'API_PASSWORD' in the environment of app 'web' is a literal, not a secret");
  EXPECT_EQ(d[1].fixits.at(0).replacement, "secret(\"api-password\")");
  EXPECT_FALSE(c->diags.HasErrors());
}

TEST(Lint, ProductionLintsOnlyInProduction) {
  auto c = Check(kLinted);
  ASSERT_NE(c->Lower("production"), nullptr);
  std::vector<Diagnostic> d = c->Sorted();
  ASSERT_EQ(c->Codes(), Strings({"W0503", "W0502", "W0501", "W0502", "W0501", "W0502"})) << c->Rendered();
  EXPECT_EQ(d[0].message, "database 'db' has no persistent storage in the production profile");
  EXPECT_EQ(c->At(d[0].range), "db");
  EXPECT_EQ(d[1].message, "database 'db' runs image 'postgres' in the production profile, with no tag");
  EXPECT_EQ(d[3].message, "app 'web' runs image 'web:latest' in the production profile, tagged 'latest'");
  // A port in the registry host is no tag.
  EXPECT_EQ(d[5].message,
            "app 'registry' runs image 'localhost:5000/web' in the production profile, with no tag");

  auto none = Check(kLinted);
  ASSERT_NE(none->Lower(), nullptr);
  EXPECT_EQ(none->Codes(), Strings({"W0501", "W0501"}));
}

TEST(Lint, BalancerTargetWithoutHealthAndUnorderedSetup) {
  auto c = Check(
      "stack s\n"
      "app web { image = \"x\" port = 80 }\n"
      "balancer front { route = web }\n"
      "task setup { from = web command = [\"m\"] }\n"
      "task seed { from = web command = [\"s\"] before = [web] }\n"
      "task check { from = web command = [\"t\"] role = \"test\" }\n");
  ASSERT_EQ(c->Rendered(), "");
  ASSERT_NE(c->Lower(), nullptr);
  std::vector<Diagnostic> d = c->Sorted();
  ASSERT_EQ(c->Codes(), Strings({"W0504", "W0505"})) << c->Rendered();
  EXPECT_EQ(d[0].message, "balancer 'front' routes to app 'web', which has no health path");
  EXPECT_EQ(c->At(d[0].range), "web");
  EXPECT_EQ(d[1].message, "setup task 'setup' is not ordered before app 'web', which it prepares");
  ASSERT_EQ(d[1].fixits.size(), 1u);
  EXPECT_EQ(d[1].fixits[0].replacement, "  before = [web]\n");
  // Inserted just before the closing brace of the task's body.
  EXPECT_EQ(d[1].fixits[0].range.begin, d[1].fixits[0].range.end);
  EXPECT_EQ(c->text()[d[1].fixits[0].range.begin], '}');
  EXPECT_EQ(c->sources.Position(c->main_file(), d[1].fixits[0].range.begin).line, 4u);
}

}  // namespace
}  // namespace stackc
