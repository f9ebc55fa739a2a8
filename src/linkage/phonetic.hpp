// dangbo::linkage — a phonetic key for Vietnamese names, for blocking.
//
// Two spellings that a clerk could write for the same spoken name get the same key:
//  - diacritics folded (search_key: tones, shapes and đ→d), so "Nguyễn" = "Nguyen";
//  - initial consonants that merge in Northern or Southern speech or are confused in writing:
//    d / gi / r / đ → Z   (Dũng, Giũng, Rũng; Đào and Dao, since đ loses its bar when typed
//                          without diacritics);
//    ch / tr → C          (Châu, Trâu);
//    s / x → S            (Sương, Xương);
//    c / k / q → K, qu → Kw  (Cường; Quý/Quí);
//    ng / ngh → N, g / gh → G, ph → F, kh → X, th → T, nh → J (kept apart from n);
//  - rhymes: i / y → i (Thúy, Thuý, Thúi; Vy, Vi), final ng / nh → n (Vĩnh / Vin,
//    Khang / Khan), final c / ch → t (Phúc / Phút, Bách / Bát).
// Not merged, deliberately: l / n, v / d (dialectal, but merging them makes very large
// blocks), vowel quality beyond diacritics.
#pragma once

#include <string>
#include <string_view>

namespace dangbo::linkage {

// Key of one syllable (any case, with or without diacritics, NFC or NFD): ASCII, e.g.
// "Trường" → "Cuon", "Giang" → "Zan", "Quý" → "Kwi". Words that are not Vietnamese
// syllables are folded letter by letter with the same consonant rules.
std::string phonetic_syllable(std::string_view syllable);

// Key of a full name: the syllable keys in the order written, joined by '.':
// "Nguyễn Thị Thủy" → "Nuien.Ti.Tui". Empty for a name without letters.
std::string phonetic_key(std::string_view name);

// The same syllable keys sorted, so that the key does not depend on name order
// ("An Nguyễn Văn" and "Nguyễn Văn An" agree).
std::string phonetic_key_sorted(std::string_view name);

}  // namespace dangbo::linkage
