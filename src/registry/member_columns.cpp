#include "registry/member_columns.hpp"

#include "vntext/text.hpp"

namespace dangbo::registry {

const std::array<const char*, kMemberValueCount> kMemberValueNames = {
    "family_name", "middle_name", "given_name", "other_names", "search_key", "given_key", "family_given_key",
    "middle_given_key", "sort_key", "gender", "birth_date", "birth_place", "home_town", "ethnicity", "religion",
    "citizen_id", "residence", "residence_unit_code", "phone", "email", "admitted_on", "full_member_on", "card_number",
    "card_issued_on", "status", "education", "professional_qualification", "theory_level", "occupation", "position"};

const char* const kMemberValueCols =
    "family_name, middle_name, given_name, other_names, search_key, given_key, family_given_key, middle_given_key, "
    "sort_key, gender, birth_date, birth_place, home_town, ethnicity, religion, citizen_id, residence, "
    "residence_unit_code, phone, email, admitted_on, full_member_on, card_number, card_issued_on, status, education, "
    "professional_qualification, theory_level, occupation, position";

void member_values(const Member& m, MemberValues& v) {
  auto d = [](const std::optional<base::CivilDate>& x) { return x ? x->iso() : std::string(); };
  v = {m.family_name,
       m.middle_name,
       m.given_name,
       m.other_names,
       vntext::search_key(m.full_name()),
       vntext::search_key(m.given_name + " " + m.family_name + " " + m.middle_name),
       vntext::search_key(m.family_name + " " + m.given_name + " " + m.middle_name),
       vntext::search_key(m.middle_name + " " + m.given_name + " " + m.family_name),
       vntext::person_sort_key(m.family_name, m.middle_name, m.given_name),
       std::string(to_string(m.gender)),
       d(m.birth_date),
       m.birth_place,
       m.home_town,
       m.ethnicity,
       m.religion,
       m.citizen_id,
       m.residence,
       m.residence_unit_code,
       m.phone,
       m.email,
       d(m.admitted_on),
       d(m.full_member_on),
       m.card_number,
       d(m.card_issued_on),
       std::string(to_string(m.status)),
       m.education,
       m.professional_qualification,
       m.theory_level,
       m.occupation,
       m.position};
}

bool member_value_nullable(int i) { return i == 10 || i == 20 || i == 21 || i == 23; }

}  // namespace dangbo::registry
