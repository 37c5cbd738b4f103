"""English names of the reference data we ship (title series, attachment types), by code.

Loaded into `name_en` by the reference loader and by migration 0005 for existing rows;
rows added in the admin get theirs there (blank: the Chinese name is shown)."""

TITLE_SERIES_EN = {
    "hei_teacher": "Higher-education teachers",
    "secondary_vocational_teacher": "Secondary vocational school teachers",
    "school_teacher": "Primary and secondary school (kindergarten) teachers",
    "lab_technician": "Laboratory technicians",
    "natural_science_researcher": "Natural science researchers",
    "social_science_researcher": "Social science researchers",
    "technical_school_teacher": "Technical school teachers",
    "engineer": "Engineering technicians",
    "economist": "Economists",
    "accountant": "Accountants",
    "statistician": "Statisticians",
    "agronomist": "Agricultural technicians",
    "health_professional": "Health professionals",
    "journalist": "Journalists",
    "sports_coach": "Sports coaches",
    "translator": "Translators",
    "broadcaster": "Broadcasters and presenters",
    "publisher": "Publishing professionals",
    "arts_crafts": "Arts and crafts professionals",
    "lawyer": "Lawyers",
    "notary": "Notaries",
    "librarian": "Librarians and information professionals",
    "museum_professional": "Museum and heritage professionals",
    "archivist": "Archivists",
    "artist": "Artists",
    "customs": "Customs officers",
    "ship_technician": "Ship technicians",
    "civil_aviation_pilot": "Civil aviation pilots",
}
ATTACHMENT_TYPES_EN = {
    "id_card": "ID card",
    "household_register": "Household register",
    "diploma": "Graduation diploma",
    "degree": "Degree certificate",
    "title_cert": "Professional title certificate",
    "skill_cert": "Vocational qualification / skill level certificate",
    "labour_contract": "Labour contract",
    "selfie": "Identity selfie",
    "business_licence": "Business licence",
    "change_notice": "Notice of approved change",
    "other": "Other documents",
}
