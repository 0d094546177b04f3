#include "activitypub/canon.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace artdag::activitypub {
namespace {

namespace fs = std::filesystem;

// Expected strings below were produced by Python 3.11:
//   json.dumps(x, sort_keys=True, separators=(",", ":"))

TEST(Canon, SortsKeysAtEveryLevelWithoutWhitespace) {
  const Json value =
      Json::parse(R"({"b": {"z": 1, "a": [3, {"y": null, "x": true}]}, "a": false})");
  EXPECT_EQ(canonical_json(value), R"({"a":false,"b":{"a":[3,{"x":true,"y":null}],"z":1}})");
}

TEST(Canon, KeepsArrayOrder) {
  EXPECT_EQ(canonical_json(Json::parse("[3, 1, 2]")), "[3,1,2]");
}

TEST(Canon, Scalars) {
  EXPECT_EQ(canonical_json(Json(nullptr)), "null");
  EXPECT_EQ(canonical_json(Json(true)), "true");
  EXPECT_EQ(canonical_json(Json(false)), "false");
  EXPECT_EQ(canonical_json(Json(0)), "0");
  EXPECT_EQ(canonical_json(Json(-42)), "-42");
  EXPECT_EQ(canonical_json(Json("")), R"("")");
}

TEST(Canon, EmptyContainers) {
  EXPECT_EQ(canonical_json(Json::object()), "{}");
  EXPECT_EQ(canonical_json(Json::array()), "[]");
  EXPECT_EQ(canonical_json(Json::parse(R"({"b": [], "a": {}})")), R"({"a":{},"b":[]})");
  EXPECT_EQ(canonical_json(Json::parse(R"([{}, [], ""])")), R"([{},[],""])");
}

TEST(Canon, BigIntegers) {
  EXPECT_EQ(canonical_json(Json(std::numeric_limits<int64_t>::max())), "9223372036854775807");
  EXPECT_EQ(canonical_json(Json(std::numeric_limits<int64_t>::min())), "-9223372036854775808");
  EXPECT_EQ(canonical_json(Json(std::numeric_limits<uint64_t>::max())), "18446744073709551615");
  EXPECT_EQ(canonical_json(Json::parse("[18446744073709551615, -9223372036854775808]")),
            "[18446744073709551615,-9223372036854775808]");
}

TEST(Canon, RefusesFloats) {
  EXPECT_THROW(canonical_json(Json(1.5)), std::invalid_argument);
  EXPECT_THROW(canonical_json(Json(0.0)), std::invalid_argument);
  EXPECT_THROW(canonical_json(Json::parse("1e300")), std::invalid_argument);
  EXPECT_THROW(canonical_json(Json::parse("1.0")), std::invalid_argument);
  EXPECT_THROW(canonical_json(Json::parse(R"({"a": {"b": [1, 2.5]}})")), std::invalid_argument);
  // Larger than uint64: nlohmann can only hold it as a float, so it is refused too.
  EXPECT_THROW(canonical_json(Json::parse("18446744073709551616")), std::invalid_argument);
}

TEST(Canon, RefusesBinaryValues) {
  EXPECT_THROW(canonical_json(Json::binary({1, 2, 3})), std::invalid_argument);
}

TEST(Canon, ShortEscapesAndControlCharacters) {
  const std::string all_controls("\x00\x01\x08\x09\x0a\x0b\x0c\x0d\x1f\x20\x7e", 11);
  EXPECT_EQ(canonical_json(Json(all_controls)), R"("\u0000\u0001\b\t\n\u000b\f\r\u001f ~")");
  EXPECT_EQ(canonical_json(Json("\"\\")), R"("\"\\")");
}

TEST(Canon, EscapesDelAsPythonDoes) {
  EXPECT_EQ(canonical_json(Json("a\x7f"
                                "b")),
            R"("a\u007fb")");
}

TEST(Canon, LeavesSlashAlone) {
  EXPECT_EQ(canonical_json(Json("https://example.com/a/b")), R"("https://example.com/a/b")");
  EXPECT_EQ(canonical_json(Json("</script>")), R"("</script>")");
}

TEST(Canon, EscapesNonAsciiAsLowercaseHex) {
  // "Café — 日本" plus U+0080, U+E000 and U+FFFF.
  EXPECT_EQ(canonical_json(Json("Caf\u00e9 \u2014 \u65e5\u672c \u0080\ue000\uffff")),
            R"("Caf\u00e9 \u2014 \u65e5\u672c \u0080\ue000\uffff")");
}

TEST(Canon, EscapesAstralCharactersAsSurrogatePairs) {
  EXPECT_EQ(canonical_json(Json("\U0001F3A8")), R"("\ud83c\udfa8")");
  EXPECT_EQ(canonical_json(Json("\U00010000")), R"("\ud800\udc00")");
  EXPECT_EQ(canonical_json(Json("\U0010FFFF")), R"("\udbff\udfff")");
  // Parsed from JSON escapes, written back the same way.
  EXPECT_EQ(canonical_json(Json::parse(R"("\ud83c\udfa8")")), R"("\ud83c\udfa8")");
}

TEST(Canon, SortsKeysByCodePointIncludingAstral) {
  // UTF-16 order would put U+1F3A8 (a surrogate pair, D83C...) before U+E000 and U+FFFF;
  // code point order, which Python uses, puts it last. UTF-8 byte order agrees with Python.
  Json value = Json::object();
  value["z"] = 1;
  value["\ue000"] = 2;
  value["\uffff"] = 3;
  value["\U0001F3A8"] = 4;
  value[std::string("\0", 1)] = 5;
  value["B"] = 6;
  value["_"] = 7;
  value["\u00e9"] = 8;
  value["a"] = 9;
  value[""] = 10;
  EXPECT_EQ(canonical_json(value), R"({"":10,"\u0000":5,"B":6,"_":7,"a":9,"z":1,)"
                                   R"("\u00e9":8,"\ue000":2,"\uffff":3,"\ud83c\udfa8":4})");
}

TEST(Canon, EscapesKeysLikeValues) {
  EXPECT_EQ(canonical_json(Json::parse(R"({"a\"b\n/\u00e9": "x"})")), R"({"a\"b\n/\u00e9":"x"})");
}

TEST(Canon, RefusesInvalidUtf8) {
  const std::string invalid[] = {
      "\xff",              // never valid
      "\x80",              // lone continuation byte
      "\xc0\xaf",          // overlong "/"
      "\xe0\x80\xaf",      // overlong "/"
      "\xed\xa0\x80",      // an encoded surrogate (CESU-8)
      "\xf4\x90\x80\x80",  // above U+10FFFF
      "\xe2\x82",          // truncated
      "\xc3",              // truncated at the end
      "\xc3(",             // bad continuation
  };
  for (const std::string& text : invalid) {
    EXPECT_THROW(canonical_json(Json(text)), std::invalid_argument) << text;
    Json object = Json::object();
    object[text] = 1;
    EXPECT_THROW(canonical_json(object), std::invalid_argument) << text;
  }
}

// --- Differential test against the real Python ---------------------------------------------

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | cp >> 6);
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | cp >> 12);
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | cp >> 18);
    out += static_cast<char>(0x80 | (cp >> 12 & 0x3f));
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

class RandomJson {
 public:
  explicit RandomJson(uint32_t seed) : rng_(seed) {}

  Json value(int depth) {
    switch (pick(depth > 0 ? 8 : 6)) {
      case 0:
        return nullptr;
      case 1:
        return pick(2) == 0;
      case 2:
        return static_cast<int64_t>(rng_());  // signed, any size
      case 3:
        return std::uniform_int_distribution<uint64_t>()(rng_);
      case 4:
        return static_cast<int64_t>(pick(2000)) - 1000;
      case 5:
        return text();
      case 6: {
        Json array = Json::array();
        for (int i = pick(5); i > 0; --i) array.push_back(value(depth - 1));
        return array;
      }
      default: {
        Json object = Json::object();
        for (int i = pick(6); i > 0; --i) object[text()] = value(depth - 1);
        return object;
      }
    }
  }

  std::string text() {
    // Code points chosen to hit every escaping rule and the UTF-8 length boundaries.
    static const uint32_t kInteresting[] = {
        0x00,   0x01,   0x08,   0x09,   0x0a,    0x0c,    0x0d,     0x1f,     0x20,   0x22,
        0x2f,   0x5c,   0x7e,   0x7f,   0x80,    0xe9,    0x7ff,    0x800,    0x2014, 0x65e5,
        0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000, 0x1f3a8, 0x10fffd, 0x10ffff,
    };
    std::string out;
    for (int i = pick(8); i > 0; --i) {
      switch (pick(3)) {
        case 0:
          append_utf8(out, 0x20 + pick(0x5f));
          break;  // printable ASCII
        case 1:
          append_utf8(out, kInteresting[pick(std::size(kInteresting))]);
          break;
        default: {
          uint32_t cp = static_cast<uint32_t>(pick(0x110000));
          if (cp >= 0xd800 && cp <= 0xdfff) cp = 0x41;  // surrogates are not characters
          append_utf8(out, cp);
        }
      }
    }
    return out;
  }

 private:
  int pick(std::size_t n) { return static_cast<int>(rng_() % n); }
  std::mt19937_64 rng_;
};

std::vector<std::string> run_python_canon(const std::vector<Json>& values) {
  const fs::path dir = fs::temp_directory_path() / ("artdag-canon-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path input = dir / "input.jsonl", output = dir / "output.txt",
                 script = dir / "canon.py";
  {
    std::ofstream in(input, std::ios::binary);
    // ASCII-only input (nlohmann's ensure_ascii), so Python reads exactly these values.
    for (const Json& value : values) in << value.dump(-1, ' ', true) << '\n';
    std::ofstream(script)
        << "import json, sys\n"
           "for line in open(sys.argv[1], encoding='ascii'):\n"
           "    value = json.loads(line)\n"
           "    print(json.dumps(value, sort_keys=True, separators=(',', ':')))\n";
  }
  const std::string command = "python3 " + script.string() + " " + input.string() + " > " +
                              output.string() + " 2>/dev/null";
  const int status = std::system(command.c_str());
  std::vector<std::string> lines;
  if (status == 0) {
    std::ifstream out(output, std::ios::binary);
    for (std::string line; std::getline(out, line);) lines.push_back(line);
  }
  fs::remove_all(dir);
  return lines;
}

TEST(Canon, MatchesPythonOnHandPickedAndRandomDocuments) {
  std::vector<Json> values = {
      Json::parse(R"({"b": {"z": 1, "a": [3, {"y": null, "x": true}]}, "a": false})"),
      Json(std::string("\x00\x01\x08\x09\x0a\x0b\x0c\x0d\x1f\x20\x7e\x7f", 12) + "\u0080"),
      Json("\"\\/"),
      Json("Caf\u00e9 \u2014 \u65e5\u672c \U0001F3A8 \U0010FFFF \uffff \ue000"),
      Json::parse(R"({"z":1,"\ue000":2,"\uffff":3,"\ud83c\udfa8":4,)"
                  R"("\u0000":5,"B":6,"_":7,"\u00e9":8,"a":9,"":10})"),
      Json::parse("[{},[],\"\",0,9223372036854775807,-9223372036854775808,18446744073709551615]"),
  };
  RandomJson random(20260115);
  for (int i = 0; i < 2000; ++i) values.push_back(random.value(4));

  const std::vector<std::string> python = run_python_canon(values);
  if (python.empty()) GTEST_SKIP() << "python3 is not available";
  ASSERT_EQ(python.size(), values.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    ASSERT_EQ(canonical_json(values[i]), python[i]) << "document " << i << ": " << values[i].dump();
}

}  // namespace
}  // namespace artdag::activitypub
