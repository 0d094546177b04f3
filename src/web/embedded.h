#pragma once
// Text embedded into the binary at build time (CMakeLists.txt generates the definitions),
// so the server needs no files besides its data dir.
#include <optional>
#include <string_view>

namespace artdag::embedded {

// README.md, shown on the home page (generated/readme_text.cpp).
std::string_view readme_markdown();

// A file of the web UI by its path in the source tree: "templates/home.mustache",
// "static/style.css" (generated/web_files.cpp). nullopt when there is no such file.
std::optional<std::string_view> web_file(std::string_view name);

// src/api/openapi.json, rendered at /docs (generated/openapi_json.cpp, a library of its own:
// api/ serves the same bytes at /openapi.json).
std::string_view openapi_json();

}  // namespace artdag::embedded
