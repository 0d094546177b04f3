# Turns a text file into a C++ source defining `artdag::embedded::readme_markdown()`.
file(READ ${INPUT} CONTENT HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," BYTES "${CONTENT}")
file(WRITE ${OUTPUT} "#include <string_view>\nnamespace artdag::embedded {\nnamespace { const unsigned char kText[] = {${BYTES} 0x00}; }\nstd::string_view readme_markdown() { return {reinterpret_cast<const char*>(kText), sizeof(kText) - 1}; }\n}\n")
