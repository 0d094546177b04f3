// RFC 8785 JSON Canonicalization Scheme: the RFC's number table (Appendix B), its sorting
// and escaping examples (section 3.2.3 and 3.2.2), and what has no canonical form.
#include "activitypub/jcs.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace ap = artdag::activitypub;
using nlohmann::json;

namespace {

double from_bits(uint64_t bits) {
  return std::bit_cast<double>(bits);
}

TEST(Jcs, NumbersAsEcmaScriptWritesThem) {
  const std::pair<uint64_t, const char*> cases[] = {
      {0x0000000000000000, "0"},
      {0x8000000000000000, "0"},
      {0x0000000000000001, "5e-324"},
      {0x7fefffffffffffff, "1.7976931348623157e+308"},
      {0x4340000000000000, "9007199254740992"},
      {0x4430000000000000, "295147905179352830000"},
      {0x44b52d02c7e14af6, "1e+23"},
      {0x444b1ae4d6e2ef50, "1e+21"},
      {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
      {0x3eb0c6f7a0b5ed8d, "0.000001"},
      {0x41b3de4355555553, "333333333.3333332"},
      {0xbecbf647612f3696, "-0.0000033333333333333333"},
      {0x43143ff3c1cb0959, "1424953923781206.2"},
  };
  for (const auto& [bits, expected] : cases) {
    EXPECT_EQ(ap::jcs_number(from_bits(bits)).value_or("(none)"), expected) << std::hex << bits;
    EXPECT_EQ(ap::jcs(json(from_bits(bits))).value_or("(none)"), expected) << std::hex << bits;
  }
  EXPECT_EQ(*ap::jcs_number(1e21 / 10), "100000000000000000000");
  EXPECT_EQ(*ap::jcs_number(-1.5), "-1.5");
  EXPECT_EQ(*ap::jcs_number(123e-20), "1.23e-18");
}

TEST(Jcs, RefusesNonFiniteNumbersAndInexactIntegers) {
  EXPECT_FALSE(ap::jcs_number(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_FALSE(ap::jcs_number(std::numeric_limits<double>::infinity()));
  EXPECT_FALSE(ap::jcs(json::array({1, -std::numeric_limits<double>::infinity()})));
  EXPECT_EQ(*ap::jcs(json(int64_t{9007199254740992})), "9007199254740992");
  EXPECT_EQ(*ap::jcs(json(int64_t{-9007199254740992})), "-9007199254740992");
  EXPECT_FALSE(ap::jcs(json(int64_t{9007199254740993})));
  EXPECT_FALSE(ap::jcs(json(uint64_t{18446744073709551615u})));
  EXPECT_EQ(*ap::jcs(json(std::numeric_limits<int64_t>::min())), "-9223372036854776000");
}

// A double beyond 2^53 is written as ECMAScript writes it, digits then zeros; read back,
// those digits are an integer, and it must have the same canonical form (found by
// fuzz_jcs: the second canonicalisation refused what the first had written).
TEST(Jcs, ALargeDoubleReadBackAsAnIntegerKeepsItsForm) {
  const auto first = ap::jcs(json::parse("1111111111113111111.1111111111"));
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, "1111111111113111200");
  const auto again = ap::jcs(json::parse(*first));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *first);
  EXPECT_EQ(*ap::jcs(json::parse("-1111111111113111200")), "-1111111111113111200");
  // An integer a double holds exactly is written as ECMAScript writes that double.
  EXPECT_EQ(*ap::jcs(json(uint64_t{1} << 60)), "1152921504606847000");
  EXPECT_EQ(*ap::jcs(json::parse("1152921504606847000")), "1152921504606847000");
  // The same size with digits a double does not write: its value would change.
  EXPECT_FALSE(ap::jcs(json::parse("1111111111113111111")));
}

// RFC 8785 section 3.2.2's example input and output.
TEST(Jcs, RfcSerializationExample) {
  const json input = json::parse(R"({
    "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  })");
  EXPECT_EQ(*ap::jcs(input),
            "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
            "\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

// RFC 8785 section 3.2.3: names sort by UTF-16 code units, so U+1F600 (D83D DE00) comes
// before U+FB33 although its code point is larger.
TEST(Jcs, RfcSortingExample) {
  const json input = json::parse(R"({
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis"
  })");
  const std::string out = *ap::jcs(input);
  const char* order[] = {"Carriage", "One", "Control", "Latin", "Euro", "Emoji", "Hebrew"};
  std::size_t at = 0;
  for (const char* name : order) {
    const std::size_t next = out.find(name);
    ASSERT_NE(next, std::string::npos) << name;
    EXPECT_GT(next, at) << name;
    at = next;
  }
  EXPECT_EQ(out.substr(0, 28), "{\"\\r\":\"Carriage Return\",\"1\":");
}

TEST(Jcs, EscapesOnlyWhatTheRfcRequires) {
  EXPECT_EQ(*ap::jcs(json("\x01\x1f\b\t/<>\x7f\xc3\xa9")),
            "\"\\u0001\\u001f\\b\\t/<>\x7f\xc3\xa9\"");
  EXPECT_EQ(*ap::jcs(json::object()), "{}");
  EXPECT_EQ(*ap::jcs(json::array()), "[]");
  EXPECT_EQ(*ap::jcs(json::parse(R"({"b": [1, {"d": 2, "c": null}], "a": "x"})")),
            R"({"a":"x","b":[1,{"c":null,"d":2}]})");
}

TEST(Jcs, RefusesInvalidUtf8AndDeepNesting) {
  EXPECT_FALSE(ap::jcs(json("\xff")));
  EXPECT_FALSE(ap::jcs(json("\xed\xa0\x80")));  // a UTF-8 encoded surrogate
  json bad_key = json::object();
  bad_key["\xc0\xaf"] = 1;  // overlong
  EXPECT_FALSE(ap::jcs(bad_key));
  json deep = 1;
  for (int i = 0; i < ap::kMaxJcsDepth + 2; ++i) deep = json::array({deep});
  EXPECT_FALSE(ap::jcs(deep));
}

}  // namespace
