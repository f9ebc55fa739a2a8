// Static-file helpers of the HTTP tier: safe path resolution, content types, validators.
// No Beast here, so these are cheap to include and to test.
#pragma once
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace dangbo::http {

/// Resolves `rel` (a decoded URL path below the static prefix, e.g. "css/app.css") inside
/// `root`. Returns the canonical path of a regular file that lies inside canonical(root), or
/// nullopt when: rel is empty or absolute, contains NUL or '\', has an empty, "." or ".."
/// segment or a segment starting with '.' (hidden files), the file does not exist or is not a
/// regular file, or a symlink leads out of root. Never throws.
std::optional<std::filesystem::path> resolve_static_path(const std::filesystem::path& root,
                                                         std::string_view rel);

/// Content-Type for a file name by extension (css, js, mjs, woff2, woff, svg, png, json, map,
/// html, txt, ico, jpg, gif, webp, pdf, csv, xlsx, …); "application/octet-stream" otherwise.
std::string_view content_type_for(std::string_view filename);

/// Strong validator from size and modification time: "\"<size hex>-<mtime ns hex>\"".
std::string make_etag(std::uintmax_t size, std::int64_t mtime_ns);

/// RFC 9110 If-None-Match: true when `if_none_match` ("*" or a list of (weak) entity tags)
/// matches `etag` with the weak comparison.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

/// IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), independent of the C locale.
std::string http_date(std::time_t t);

}  // namespace dangbo::http
