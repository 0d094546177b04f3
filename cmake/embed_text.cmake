# Turns a text file into a C++ source defining `std::string_view artdag::embedded::FUNCTION()`
# (FUNCTION defaults to readme_markdown). Bytes, not a string literal: no 64 KiB literal limit.
if(NOT DEFINED FUNCTION)
  set(FUNCTION readme_markdown)
endif()
file(READ ${INPUT} CONTENT HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," BYTES "${CONTENT}")
file(WRITE ${OUTPUT} "#include <string_view>\nnamespace artdag::embedded {\nnamespace { const unsigned char kText[] = {${BYTES} 0x00}; }\nstd::string_view ${FUNCTION}() { return {reinterpret_cast<const char*>(kText), sizeof(kText) - 1}; }\n}\n")
