// The pipeline as a declarative Jenkinsfile: credentials bound per stage
// with withCredentials, deploy stages only on the deploy branch, and the
// test environment torn down in the test stage's post { always }.
#include <fmt/format.h>

#include "backends/ci/pipeline.h"
#include "backends/common/provenance.h"

namespace stackc::ci {
namespace {

// Groovy's single-quoted strings interpolate nothing; only the backslash and
// the quote are special.
std::string GroovyString(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

// A '''-string body: a quote is escaped where it could end the string.
std::string GroovyBlock(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' || (c == '\'' && (i + 1 == text.size() || text[i + 1] == '\''))) out += '\\';
    out += c;
  }
  return out;
}

std::string_view KindName(Credential::Kind kind) {
  switch (kind) {
    case Credential::Kind::UsernamePassword: return "username with password";
    case Credential::Kind::File: return "secret file";
    case Credential::Kind::Text: return "secret text";
  }
  return "";
}

std::string Binding(const Credential& c) {
  switch (c.kind) {
    case Credential::Kind::UsernamePassword:
      return fmt::format("usernamePassword(credentialsId: {}, usernameVariable: {}, passwordVariable: {})",
                         GroovyString(c.jenkins_id), GroovyString(c.variable), GroovyString(c.password_variable));
    case Credential::Kind::File:
      return fmt::format("file(credentialsId: {}, variable: {})", GroovyString(c.jenkins_id), GroovyString(c.variable));
    case Credential::Kind::Text:
      return fmt::format("string(credentialsId: {}, variable: {})", GroovyString(c.jenkins_id),
                         GroovyString(c.variable));
  }
  return "";
}

class JenkinsfileWriter {
 public:
  explicit JenkinsfileWriter(const Pipeline& pipeline) : p_(pipeline) {}

  std::string Render() {
    Header();
    out_ += "pipeline {\n";
    out_ += "    agent any\n";
    out_ += "    options {\n";
    out_ += "        disableConcurrentBuilds()\n";
    out_ += "    }\n";
    out_ += "    environment {\n";
    out_ += "        TAG = sh(script: 'git rev-parse --short HEAD', returnStdout: true).trim()\n";
    out_ += "    }\n";
    out_ += "    stages {\n";
    for (const Stage& stage : p_.stages) StageBlock(stage);
    out_ += "    }\n";
    out_ += "}\n";
    return out_;
  }

 private:
  void Header() {
    std::string text = GeneratedNotice(p_.source_name, p_.profile) + "\n\n" + Wrap(p_.summary) + "\n\n";
    text += "Jenkins credentials it binds (Manage Jenkins > Credentials):\n";
    // Kind and description on a line of their own: ids can be long.
    size_t width = 0;
    for (const Credential& c : p_.credentials) width = std::max(width, c.jenkins_id.size());
    for (const Credential& c : p_.credentials) {
      text += fmt::format("  {:<{}}  {}: {}\n", c.jenkins_id, width, KindName(c.kind), c.description);
    }
    if (p_.IsEcs() && p_.region.empty()) {
      text += Wrap("The AWS region comes from the agent (AWS_DEFAULT_REGION or its AWS configuration): "
                   "ecs.region is not set.") +
              "\n";
    }
    text += Wrap("Run it as a multibranch pipeline (the stages after the test run on branch " + p_.branch +
                 " only) or as a pipeline job of that branch.");
    out_ += LineComments(text, "//");
  }

  std::string Compose(std::string_view arguments) const {
    return fmt::format("docker-compose -p \"{}-test-$EXECUTOR_NUMBER\" {} {}", p_.stack, p_.compose_file_args,
                       arguments);
  }

  void StageBlock(const Stage& stage) {
    out_ += fmt::format("        stage({}) {{\n", GroovyString(StageTitle(stage.id)));
    if (stage.id != Stage::Id::Test) {
      out_ += "            when {\n";
      out_ += fmt::format("                expression {{ env.BRANCH_NAME == null || env.BRANCH_NAME == {} }}\n",
                          GroovyString(p_.branch));
      out_ += "            }\n";
    }
    out_ += "            steps {\n";
    std::vector<std::string> lines;
    if (stage.id == Stage::Id::Test) {
      for (const std::string& variable : p_.test_secret_variables) {
        lines.push_back(ThrowawaySecret(variable));
        lines.push_back("export " + variable);
      }
      for (const std::string& command : stage.compose_commands) lines.push_back(Compose(command));
    }
    for (const Command& command : stage.commands) lines.push_back(command.shell);
    std::string indent(16, ' ');
    if (!stage.credentials.empty()) {
      std::vector<std::string> bindings;
      for (size_t index : stage.credentials) bindings.push_back(Binding(p_.credentials[index]));
      out_ += fmt::format("                withCredentials([\n");
      for (size_t i = 0; i < bindings.size(); ++i) {
        out_ += fmt::format("                    {}{}\n", bindings[i], i + 1 < bindings.size() ? "," : "");
      }
      out_ += "                ]) {\n";
      Shell(lines, std::string(20, ' '));
      out_ += "                }\n";
    } else {
      Shell(lines, indent);
    }
    out_ += "            }\n";
    if (!stage.compose_teardown.empty()) {
      out_ += "            post {\n";
      out_ += "                always {\n";
      Shell({TeardownAssignments(p_) + Compose(stage.compose_teardown)}, std::string(20, ' '));
      out_ += "                }\n";
      out_ += "            }\n";
    }
    out_ += "        }\n";
  }

  void Shell(const std::vector<std::string>& lines, const std::string& indent) {
    if (lines.size() == 1) {
      out_ += fmt::format("{}sh {}\n", indent, GroovyString(lines.front()));
      return;
    }
    out_ += indent + "sh '''\n";
    for (const std::string& line : lines) out_ += fmt::format("{}    {}\n", indent, GroovyBlock(line));
    out_ += indent + "'''\n";
  }

  const Pipeline& p_;
  std::string out_;
};

}  // namespace

std::string RenderJenkinsfile(const Pipeline& pipeline) { return JenkinsfileWriter(pipeline).Render(); }

}  // namespace stackc::ci
