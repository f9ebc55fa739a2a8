// Internal tone-placement helpers shared by encoding.cpp and standardize.cpp.
#pragma once

#include <string_view>

namespace dangbo::vntext::detail {

// True unless `word` (one syllable, NFC) carries its tone mark where neither the old nor the
// new convention puts it ("Baù", "Qúy", "Hùynh" → false; "hòa", "hoà", "Ánh" → true).
// Words that are not analysable as Vietnamese syllables return true.
bool tone_position_plausible(std::string_view word);

}  // namespace dangbo::vntext::detail
