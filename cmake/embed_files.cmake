# Turns files into a C++ source defining
#   std::optional<std::string_view> artdag::embedded::web_file(std::string_view name)
# where `name` is each file's path relative to BASE_DIR ("templates/home.mustache").
# FILES is the list of absolute paths joined with "|" (a ";" would split the command line).
string(REPLACE "|" ";" FILE_LIST "${FILES}")
set(ARRAYS "")
set(ENTRIES "")
set(INDEX 0)
foreach(PATH IN LISTS FILE_LIST)
  file(RELATIVE_PATH NAME ${BASE_DIR} ${PATH})
  file(READ ${PATH} CONTENT HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," BYTES "${CONTENT}")
  string(APPEND ARRAYS "const unsigned char k${INDEX}[] = {${BYTES} 0x00};\n")
  string(APPEND ENTRIES "    {\"${NAME}\", k${INDEX}, sizeof(k${INDEX}) - 1},\n")
  math(EXPR INDEX "${INDEX} + 1")
endforeach()
file(WRITE ${OUTPUT} "#include <cstddef>
#include <optional>
#include <string_view>
namespace artdag::embedded {
namespace {
${ARRAYS}struct Entry {
  const char* name;
  const unsigned char* data;
  std::size_t size;
};
const Entry kEntries[] = {
${ENTRIES}    {nullptr, nullptr, 0}};
}  // namespace
std::optional<std::string_view> web_file(std::string_view name) {
  for (const Entry* e = kEntries; e->name; ++e)
    if (name == e->name) return std::string_view(reinterpret_cast<const char*>(e->data), e->size);
  return std::nullopt;
}
}  // namespace artdag::embedded
")
