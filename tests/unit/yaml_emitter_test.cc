// backends/common/yaml's emitter against yaml-cpp's YAML::Emitter, which
// wrote the backends' output before it and whose layout every golden file
// pins: the same events streamed into both must give the same bytes. The
// events are random documents over the subset the backends use (block and
// flow maps and sequences, empty ones, string and integer scalars, forced
// double quotes, several documents) with strings drawn from characters that
// decide between plain and quoted: indicators, blanks, breaks, control
// characters, UTF-8 (valid and not), byte order marks, long keys.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <random>
#include <string>

#include "backends/common/yaml.h"

namespace stackc {
namespace {

class Both {
 public:
  Both() { theirs_.SetIndent(2); }

  void Manip(yaml::Manip ours, YAML::EMITTER_MANIP theirs) {
    ours_ << ours;
    theirs_ << theirs;
  }
  void String(const std::string& text) {
    ours_ << text;
    theirs_ << text;
  }
  // yaml::String against the policy spelled out with yaml-cpp.
  void PolicyString(const std::string& text) {
    yaml::String(ours_, text);
    if (!yaml::IsSafePlain(text)) theirs_ << YAML::DoubleQuoted;
    theirs_ << text;
  }
  void Integer(int64_t number) {
    ours_ << number;
    theirs_ << number;
  }
  std::string Ours() const { return ours_.str(); }
  std::string Theirs() const { return theirs_.c_str(); }
  bool Good() const { return theirs_.good(); }

 private:
  yaml::Emitter ours_;
  YAML::Emitter theirs_;
};

class Generator {
 public:
  explicit Generator(uint32_t seed) : random_(seed) {}

  std::string Text() {
    static const std::vector<std::string> kPieces = {
        "a", "b", "Z", "_", "0", "7", "-", "?", ":", ",", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">",
        "'", "\"", "%", "@", "`", " ", "\t", "\n", "\r", "\r\n", "\\", "/", ".", "~", "=", "$",
        std::string(1, '\0'), "\x01", "\x04", "\x08", "\x0b", "\x0c", "\x1f", "\x7f",
        "\xc2\x80", "\xc2\x85", "\xc2\xa0", "\xc3\xa9", "\xe2\x82\xac", "\xef\xbb\xbf", "\xf0\x9f\x98\x80",
        "\xef\xbf\xbe", "\xed\xa0\x80", "\xef\xb7\x90",
        "\x80", "\xff", "\xc3", "\xe2\x82", "\xf8\x88\x80\x80\x80",
        "null", "Null", "NULL", "true", "yes", "no", "on", "1.5", ".inf", "0x1f", "- ", ": ", " #", "key"};
    int length = Pick(6) == 0 ? 0 : 1 + Pick(Pick(4) == 0 ? 12 : 4);
    std::string text;
    for (int i = 0; i < length; ++i) text += kPieces[Pick(kPieces.size())];
    if (Pick(40) == 0) text = std::string(1020 + Pick(10), 'k') + text;
    return text;
  }

  void Node(Both& out, int depth, bool in_flow) {
    int choice = depth > 3 ? Pick(3) : Pick(9);
    switch (choice) {
      case 0:
      case 1:
        if (Pick(3) == 0) {
          out.PolicyString(Text());
          return;
        }
        if (Pick(4) == 0) out.Manip(yaml::DoubleQuoted, YAML::DoubleQuoted);
        out.String(Text());
        return;
      case 2:
        out.Integer(static_cast<int64_t>(random_()) - (1LL << 31));
        return;
      default:
        break;
    }
    bool seq = choice % 2 == 0;
    bool flow = in_flow || Pick(3) == 0;
    if (flow && !in_flow) out.Manip(yaml::Flow, YAML::Flow);
    int count = Pick(4);
    if (seq) {
      out.Manip(yaml::BeginSeq, YAML::BeginSeq);
      for (int i = 0; i < count; ++i) Node(out, depth + 1, flow);
      out.Manip(yaml::EndSeq, YAML::EndSeq);
    } else {
      out.Manip(yaml::BeginMap, YAML::BeginMap);
      for (int i = 0; i < count; ++i) {
        out.Manip(yaml::Key, YAML::Key);
        // Keys are scalars, as in the backends.
        if (Pick(5) == 0) {
          out.Integer(Pick(100));
        } else {
          if (Pick(6) == 0) out.Manip(yaml::DoubleQuoted, YAML::DoubleQuoted);
          out.String(Text());
        }
        out.Manip(yaml::Value, YAML::Value);
        Node(out, depth + 1, flow);
      }
      out.Manip(yaml::EndMap, YAML::EndMap);
    }
  }

  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(random_); }

 private:
  std::mt19937 random_;
};

TEST(YamlEmitter, SameBytesAsYamlCppForRandomDocuments) {
  int compared = 0;
  for (uint32_t seed = 1; seed <= 10000; ++seed) {
    Generator generate(seed);
    Both out;
    int documents = generate.Pick(3) == 0 ? 1 + static_cast<int>(generate.Pick(3)) : 0;
    if (documents == 0) {
      generate.Node(out, 0, false);
    } else {
      for (int i = 0; i < documents; ++i) {
        out.Manip(yaml::BeginDoc, YAML::BeginDoc);
        generate.Node(out, 1, false);
      }
    }
    if (!out.Good()) continue;  // yaml-cpp refused the events
    ++compared;
    ASSERT_EQ(out.Ours(), out.Theirs()) << "seed " << seed;
  }
  EXPECT_GT(compared, 9500);
}

// The shapes the backends write, spelled out.
TEST(YamlEmitter, BackendShapes) {
  yaml::Emitter out;
  out << yaml::BeginMap << yaml::Key << "services" << yaml::Value << yaml::BeginMap;
  out << yaml::Key << "web" << yaml::Value << yaml::BeginMap;
  out << yaml::Key << "command" << yaml::Value << yaml::Flow << yaml::BeginSeq << "rails" << "s" << yaml::EndSeq;
  out << yaml::Key << "ports" << yaml::Value << yaml::BeginSeq << yaml::DoubleQuoted << "80:3000" << yaml::EndSeq;
  out << yaml::Key << "env" << yaml::Value << yaml::BeginSeq << yaml::BeginMap << yaml::Key << "name"
      << yaml::Value << "A" << yaml::Key << "value" << yaml::Value << "" << yaml::EndMap << yaml::EndSeq;
  out << yaml::Key << "restart" << yaml::Value << yaml::DoubleQuoted << "no";
  out << yaml::Key << "scale" << yaml::Value << 3;
  out << yaml::EndMap << yaml::EndMap;
  out << yaml::Key << "volumes" << yaml::Value << yaml::BeginMap << yaml::Key << "data" << yaml::Value
      << yaml::Flow << yaml::BeginMap << yaml::EndMap << yaml::EndMap;
  out << yaml::EndMap;
  EXPECT_EQ(out.str(),
            "services:\n"
            "  web:\n"
            "    command: [rails, s]\n"
            "    ports:\n"
            "      - \"80:3000\"\n"
            "    env:\n"
            "      - name: A\n"
            "        value: \"\"\n"
            "    restart: \"no\"\n"
            "    scale: 3\n"
            "volumes:\n"
            "  data: {}");

  yaml::Emitter docs;
  for (const char* name : {"a", "b"}) {
    docs << yaml::BeginDoc << yaml::BeginMap << yaml::Key << "name" << yaml::Value << name << yaml::EndMap;
  }
  EXPECT_EQ(docs.str(), "---\nname: a\n---\nname: b");
}

TEST(YamlEmitter, StringPolicy) {
  auto string = [](std::string_view text) {
    yaml::Emitter out;
    yaml::String(out, text);
    return out.str();
  };
  EXPECT_EQ(string("postgres"), "postgres");
  EXPECT_EQ(string("yes"), "\"yes\"");
  EXPECT_EQ(string("8080"), "\"8080\"");
  EXPECT_EQ(string("a\"b\\c\n\x01\xc2\xa0\xef\xbb\xbf\xff"), "\"a\\\"b\\\\c\\n\\x01\\xa0\\ufeff\xef\xbf\xbd\"");
}

}  // namespace
}  // namespace stackc
