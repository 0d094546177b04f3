// RFC 8941 Structured Field Values: the httpwg structured-field-tests suite (a copy in
// tests/data/sf), the RFC's own examples, and the bounds.
#include "activitypub/structured_fields.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace sf = artdag::sf;
using nlohmann::json;

namespace {

json load(const std::string& name) {
  std::ifstream in(std::string(ARTDAG_TEST_DATA_DIR) + "/sf/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

// RFC 4648 base32, as the suite writes binary values.
std::string base32_decode(const std::string& text) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    buffer = (buffer << 5) | static_cast<uint32_t>(alphabet.find(c));
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

// The suite's JSON form of a value → ours.
sf::BareItem bare_from_json(const json& j) {
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_number_integer()) return j.get<int64_t>();
  if (j.is_number_float()) return j.get<double>();
  if (j.is_string()) return j.get<std::string>();
  const std::string type = j.at("__type");
  if (type == "token") return sf::Token{j.at("value")};
  if (type == "binary") return sf::ByteSequence{base32_decode(j.at("value"))};
  throw std::runtime_error("unsupported type " + type);
}

sf::Parameters params_from_json(const json& j) {
  sf::Parameters out;
  for (const auto& p : j) out.emplace_back(p.at(0).get<std::string>(), bare_from_json(p.at(1)));
  return out;
}

sf::Item item_from_json(const json& j) {
  return sf::Item{bare_from_json(j.at(0)), params_from_json(j.at(1))};
}

sf::Member member_from_json(const json& j) {
  if (j.at(0).is_array()) {  // an inner list: [[items...], params]
    sf::InnerList list;
    for (const auto& item : j.at(0)) list.items.push_back(item_from_json(item));
    list.params = params_from_json(j.at(1));
    return list;
  }
  return item_from_json(j);
}

bool uses_unsupported_type(const json& j) {
  if (j.is_object())
    return j.contains("__type") && j["__type"] != "token" && j["__type"] != "binary";
  if (j.is_array())
    for (const auto& e : j)
      if (uses_unsupported_type(e)) return true;
  return false;
}

std::string join(const json& lines) {
  std::string out;
  for (const auto& line : lines) out += (out.empty() ? "" : ", ") + line.get<std::string>();
  return out;
}

// Parses `raw` as the test's header type; returns its serialisation, or nullopt on failure,
// and sets `same_as_expected` when the parse equals `expected`.
std::optional<std::string> run_case(const json& test, bool& same_as_expected) {
  const std::string type = test.at("header_type");
  const std::string raw = join(test.at("raw"));
  same_as_expected = false;
  if (type == "item") {
    auto item = sf::parse_item(raw);
    if (!item) return std::nullopt;
    if (test.contains("expected")) same_as_expected = *item == item_from_json(test["expected"]);
    return sf::serialize_item(*item);
  }
  if (type == "list") {
    auto list = sf::parse_list(raw);
    if (!list) return std::nullopt;
    if (test.contains("expected")) {
      sf::List expected;
      for (const auto& m : test["expected"]) expected.push_back(member_from_json(m));
      same_as_expected = *list == expected;
    }
    return sf::serialize_list(*list);
  }
  auto dict = sf::parse_dictionary(raw);
  if (!dict) return std::nullopt;
  if (test.contains("expected")) {
    sf::Dictionary expected;
    for (const auto& m : test["expected"])
      expected.emplace_back(m.at(0).get<std::string>(), member_from_json(m.at(1)));
    same_as_expected = *dict == expected;
  }
  return sf::serialize_dictionary(*dict);
}

class StructuredFieldSuite : public ::testing::TestWithParam<std::string> {};

TEST_P(StructuredFieldSuite, ParsesAndSerialisesAsTheSuiteSays) {
  int checked = 0;
  for (const auto& test : load(GetParam())) {
    if (uses_unsupported_type(test.value("expected", json()))) continue;
    const std::string name = test.at("name");
    const bool must_fail = test.value("must_fail", false);
    const bool can_fail = test.value("can_fail", false);
    bool same = false;
    auto serialized = run_case(test, same);
    ++checked;
    if (must_fail) {
      EXPECT_FALSE(serialized.has_value()) << name;
      continue;
    }
    if (!serialized) {
      EXPECT_TRUE(can_fail) << name << " failed to parse";
      continue;
    }
    EXPECT_TRUE(same) << name << " parsed to something else";
    const std::string canonical = join(test.value("canonical", test.at("raw")));
    EXPECT_EQ(*serialized, canonical) << name;
  }
  EXPECT_GT(checked, 0);
}

INSTANTIATE_TEST_SUITE_P(Httpwg, StructuredFieldSuite,
                         ::testing::Values("binary.json", "boolean.json", "dictionary.json",
                                           "examples.json", "item.json", "list.json",
                                           "listlist.json", "number.json", "number-generated.json",
                                           "param-dict.json", "param-list.json",
                                           "param-listlist.json", "string.json", "token.json"));

// serialisation-tests: values that only serialise (rounding), or must not.
TEST(StructuredFields, SerialisationSuiteNumbers) {
  for (const auto& test : load("serialisation-number.json")) {
    const sf::Item item = item_from_json(test.at("expected"));
    auto out = sf::serialize_item(item);
    if (test.value("must_fail", false)) {
      EXPECT_FALSE(out) << test.at("name");
    } else {
      ASSERT_TRUE(out) << test.at("name");
      EXPECT_EQ(*out, join(test.at("canonical"))) << test.at("name");
    }
  }
}

// RFC 8941 section 3.2's example, with the value-less member (true) and parameters.
TEST(StructuredFields, RfcDictionaryExample) {
  auto dict = sf::parse_dictionary("a=?0, b, c; foo=bar");
  ASSERT_TRUE(dict);
  ASSERT_EQ(dict->size(), 3u);
  EXPECT_EQ(std::get<sf::Item>((*dict)[1].second).value, sf::BareItem{true});
  const auto& c = std::get<sf::Item>(*sf::find_member(*dict, "c"));
  EXPECT_EQ(*sf::find_parameter(c.params, "foo"), sf::BareItem{sf::Token{"bar"}});
  EXPECT_EQ(*sf::serialize_dictionary(*dict), "a=?0, b, c;foo=bar");
}

TEST(StructuredFields, RfcInnerListExample) {
  auto list = sf::parse_list("(\"foo\" \"bar\"), (\"baz\"), (\"bat\" \"one\"), ()");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 4u);
  EXPECT_EQ(std::get<sf::InnerList>((*list)[3]).items.size(), 0u);
  auto params = sf::parse_list("(\"foo\"; a=1;b=2);lvl=5, (\"bar\" \"baz\");lvl=1");
  ASSERT_TRUE(params);
  EXPECT_EQ(*sf::serialize_list(*params), "(\"foo\";a=1;b=2);lvl=5, (\"bar\" \"baz\");lvl=1");
}

TEST(StructuredFields, DuplicateKeyLastWinsInFirstPlace) {
  auto dict = sf::parse_dictionary("a=1, b=2, a=3");
  ASSERT_TRUE(dict);
  EXPECT_EQ(*sf::serialize_dictionary(*dict), "a=3, b=2");
}

TEST(StructuredFields, RefusesTrailingGarbageAndBadWhitespace) {
  EXPECT_FALSE(sf::parse_item("1 x"));
  EXPECT_FALSE(sf::parse_item("\t1"));  // only SP may lead
  EXPECT_FALSE(sf::parse_list("1,"));
  EXPECT_FALSE(sf::parse_dictionary("a=1,,b=2"));
  EXPECT_FALSE(sf::parse_dictionary("A=1"));
  EXPECT_TRUE(sf::parse_list(" 1 ,\t2 "));
}

TEST(StructuredFields, IntegerAndDecimalBounds) {
  EXPECT_TRUE(sf::parse_item("999999999999999"));
  EXPECT_FALSE(sf::parse_item("1000000000000000"));
  EXPECT_FALSE(sf::parse_item("1234567890123.0"));
  EXPECT_FALSE(sf::parse_item("1.2345"));
  EXPECT_FALSE(sf::parse_item("1."));
  EXPECT_FALSE(sf::serialize_bare_item(int64_t{1'000'000'000'000'000}));
  EXPECT_EQ(*sf::serialize_bare_item(2.5), "2.5");
  EXPECT_EQ(*sf::serialize_bare_item(-0.0004), "0.0");
}

TEST(StructuredFields, RefusesOversizedInputAndTooManyMembers) {
  std::string big(20 * 1024, 'a');
  EXPECT_FALSE(sf::parse_item(big));
  sf::Limits limits;
  limits.max_members = 3;
  EXPECT_TRUE(sf::parse_list("1, 2, 3", limits));
  EXPECT_FALSE(sf::parse_list("1, 2, 3, 4", limits));
  EXPECT_FALSE(sf::parse_dictionary("a, b, c, d", limits));
  EXPECT_FALSE(sf::parse_list("(1 2 3 4)", limits));
  limits.max_parameters = 1;
  EXPECT_FALSE(sf::parse_item("1;a;b", limits));
}

TEST(StructuredFields, SerialiseRefusesWhatTheGrammarCannotSay) {
  EXPECT_FALSE(sf::serialize_bare_item(std::string("caf\xc3\xa9")));
  EXPECT_FALSE(sf::serialize_bare_item(sf::Token{"1abc"}));
  EXPECT_FALSE(sf::serialize_parameters({{"Bad", true}}));
  EXPECT_EQ(*sf::serialize_bare_item(std::string("a\"b\\")), "\"a\\\"b\\\\\"");
  EXPECT_EQ(*sf::serialize_bare_item(sf::ByteSequence{"hi"}), ":aGk=:");
}

}  // namespace
