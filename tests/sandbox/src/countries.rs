//! Country data: the supported-cultures table (reference §11.1, all 248 rows), the 24
//! countries where organizationRegistrationNumber and phone are mandatory (§11.2), and
//! detailed validation rules for the countries the emulator knows well (§4.11).

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

/// ISO alpha-2 → supported cultures, transcribed from the reference table.
const CULTURE_TABLE: &str = "
AF:ps-AF/en-US; AX:sv-SE/en-US; AL:sq-AL/en-US; DZ:ar-DZ/en-US; AS:en-US; AD:ca-ES/en-US; AO:pt-PT/en-US
AI:en-US; AQ:en-US; AG:en-US; AR:es-AR/en-US; AM:hy-AM/en-US; AW:nl-NL/en-US; AU:en-AU/en-US; AT:de-AT/en-US
AZ:az-Latn-AZ/en-US; BS:en-GB/en-US; BH:ar-BH/en-US; BD:bn-BD/en-US; BB:en-GB/en-US; BY:be-BY/en-US
BE:fr-BE/nl-BE/en-US; BZ:en-BZ/en-US; BJ:fr-FR/en-US; BM:en-GB/en-US; BT:en-US; BO:es-BO/en-US
BQ:nl-NL/en-US; BA:bs-Latn-BA/en-US; BW:en-GB/en-US; BV:nb-NO/en-US; BR:pt-BR/en-US; IO:en-US; VG:en-US
BN:ms-BN/en-US; BG:bg-BG/en-US; BF:fr-FR/en-US; BI:fr-FR/en-US; CV:pt-CV/en-US; KH:km-KH/en-US
CM:fr-FR/en-US; CA:fr-CA/en-US; KY:en-GB/en-US; CF:fr-FR/en-US; TD:fr-FR/en-US; CL:es-CL/en-US
CN:zh-CN/en-US; CX:en-US; CC:en-US; CO:es-CO/en-US; KM:fr-FR/en-US; CG:fr-FR/en-US; CD:fr-FR/en-US; CK:en-US
CR:es-CR/en-US; CI:fr-FR/en-US; HR:hr-HR/en-US; CW:nl-NL/en-US; CY:el-GR/en-US; CZ:cs-CZ/en-US
DK:da-DK/en-US; DJ:fr-FR/en-US; DM:en-US; DO:es-DO/en-US; EC:es-EC/en-US; EG:ar-EG/en-US; SV:es-SV/en-US
GQ:es-ES/en-US; ER:ar-SA/en-US; EE:et-EE/en-US; SZ:en-US; ET:am-ET/en-US; FK:en-US; FO:fo-FO/en-US
FJ:en-GB/en-US; FI:fi-FI/sv-FI/en-US; FR:fr-FR/en-US; GF:fr-FR/en-US; PF:fr-FR/en-US; TF:fr-FR/en-US
GA:fr-FR/en-US; GM:en-US; GE:ka-GE/en-US; DE:de-DE/en-US; GH:en-GB/en-US; GI:en-US; GR:el-GR/en-US
GL:da-DK/en-US; GD:en-US; GP:fr-FR/en-US; GU:en-US; GT:es-GT/en-US; GG:en-US; GN:fr-FR/en-US; GW:pt-PT/en-US
GY:en-US; HT:fr-FR/en-US; HM:en-US; HN:es-HN/en-US; HK:zh-HK/en-US; HU:hu-HU/en-US; IS:is-IS/en-US
IN:en-IN/hi-IN/en-US; ID:id-ID/en-US; IQ:ar-IQ/en-US; IE:en-IE/en-US; IM:en-US; IL:he-IL/en-US
IT:it-IT/en-US; JM:en-JM/en-US; XJ:nb-NO/en-US; JP:ja-JP/en-US; JE:en-US; JO:ar-JO/en-US; KZ:kk-KZ/en-US
KE:sw-KE/en-US; KI:en-US; KR:ko-KR/en-US; XK:en-US; KW:ar-KW/en-US; KG:ky-KG/en-US; LA:lo-LA/en-US
LV:lv-LV/en-US; LB:ar-LB/en-US; LS:en-US; LR:en-US; LY:ar-LY/en-US; LI:de-LI/en-US; LT:lt-LT/en-US
LU:de-LU/fr-LU/en-US; MO:zh-MO/en-US; MK:mk-MK/en-US; MG:fr-FR/en-US; MW:en-US; MY:en-MY/en-US
MV:dv-MV/en-US; ML:fr-FR/en-US; MT:mt-MT/en-US; MH:en-US; MQ:fr-FR/en-US; MR:ar-SA/en-US; MU:en-GB/en-US
YT:fr-FR/en-US; MX:es-MX/en-US; FM:en-US; MD:ro-RO/en-US; MC:fr-MC/en-US; MN:mn-MN/en-US
ME:sr-Latn-ME/en-US; MS:en-US; MA:ar-MA/en-US; MZ:pt-PT; MM:en-US; NA:en-GB/en-US; NR:en-US; NP:ne-NP/en-US
AN:en-US; NL:nl-NL/en-US; NC:fr-FR/en-US; NZ:en-NZ/en-US; NI:es-NI/en-US; NE:fr-FR/en-US
NG:ha-Latn-NG/en-US; NU:en-US; NF:en-US; MP:en-US; NO:nb-NO/en-US; OM:ar-OM/en-US; PK:ur-PK/en-US; PW:en-US
PS:ar-SA/en-US; PA:es-PA/en-US; PG:en-US; PY:es-PY/en-US; PE:es-PE/en-US; PH:en-PH/en-US; PN:en-US
PL:pl-PL/en-US; PT:pt-PT/en-US; PR:es-PR/en-US; QA:ar-QA/en-US; RE:fr-FR/en-US; RO:ro-RO/en-US
RU:ru-RU/en-US; RW:rw-RW/en-US; XS:nl-NL/en-US; KN:en-GB/en-US; LC:en-US; MF:fr-FR/en-US; PM:fr-FR/en-US
VC:en-US; BL:fr-FR/en-US; WS:en-US; SM:it-IT/en-US; ST:pt-PT/en-US; SA:ar-SA/en-US; SN:wo-SN/en-US
RS:sr-Latn-RS/sr-Cyrl-RS/en-US; SC:en-US; SL:en-US; SG:en-SG/zh-SG/en-US; XE:nl-NL/en-US; SX:en-US
SK:sk-SK/en-US; SI:sl-SI/en-US; SB:en-US; SO:ar-SA/en-US; ZA:en-ZA/en-US; GS:en-US; SS:en-US
ES:es-ES/ca-ES/eu-ES/gl-ES/en-US; LK:si-LK/en-US; SH:en-US; SR:nl-NL; SJ:nb-NO/en-US; SE:sv-SE/en-US
CH:de-CH/fr-CH/it-CH/en-US; TW:zh-TW/en-US; TJ:tg-Cyrl-TJ/en-US; TZ:en-GB/en-US; TH:th-TH/en-US
TL:pt-PT/en-US; TG:fr-FR/en-US; TK:en-US; TO:en-US; TT:en-TT/en-US; TN:ar-TN/en-US; TR:tr-TR/en-US
TM:tk-TM/en-US; TC:en-US; TV:en-US; UG:en-GB/en-US; UA:uk-UA/en-US; AE:ar-AE/en-US; GB:en-GB/en-US; UM:en-US
VI:en-US; US:en-US/es-US; UY:es-UY/en-US; UZ:uz-Latn-UZ/en-US; VU:en-US; VA:it-IT/en-US; VE:es-VE/en-US
VN:vi-VN/en-US; WF:fr-FR/en-US; YE:ar-YE/en-US; ZM:en-GB/en-US; ZW:en-ZW/en-US
";

/// Countries where organizationRegistrationNumber and billing phone number are mandatory:
/// the Nov 2020 list plus the March 2021 extension (reference §11.2).
pub const REGISTRATION_COUNTRIES: [&str; 24] = [
    "AM", "AZ", "BY", "HU", "KZ", "KG", "MD", "RU", "TJ", "UZ", "UA", "IN", "BR", "ZA", "PL", "AE",
    "SA", "TR", "TH", "VN", "MM", "IQ", "SS", "VE",
];

/// Emulator convention (no real regexes are published): the registration-number format.
/// RU is the 10/12-digit INN, BR the 14-digit CNPJ (punctuation optional), every other
/// listed country 4–50 letters/digits with optional inner `.`, `/`, `-` or spaces.
pub fn registration_rule(iso2: &str) -> (&'static str, &'static str) {
    match iso2 {
        "RU" => (r"^(\d{10}|\d{12})$", "7707083893"),
        "BR" => (
            r"^\d{2}\.?\d{3}\.?\d{3}/?\d{4}-?\d{2}$",
            "11.222.333/0001-81",
        ),
        _ => (
            r"^[A-Za-z0-9][A-Za-z0-9./ -]{2,48}[A-Za-z0-9]$",
            "REG-1234567",
        ),
    }
}

static REGISTRATION_REGEXES: LazyLock<HashMap<&'static str, Regex>> = LazyLock::new(|| {
    let mut m = HashMap::new();
    for c in ["RU", "BR", "XX"] {
        let (pattern, _) = registration_rule(c);
        if let Ok(re) = Regex::new(pattern) {
            m.insert(pattern, re);
        }
    }
    m
});

pub fn registration_number_valid(iso2: &str, value: &str) -> bool {
    let (pattern, _) = registration_rule(iso2);
    REGISTRATION_REGEXES
        .get(pattern)
        .is_some_and(|re| re.is_match(value.trim()))
}

pub fn requires_registration(iso2: &str) -> bool {
    REGISTRATION_COUNTRIES.contains(&iso2)
}

static CULTURES: LazyLock<HashMap<&'static str, Vec<&'static str>>> = LazyLock::new(|| {
    let mut m = HashMap::new();
    for entry in CULTURE_TABLE.split([';', '\n']) {
        let entry = entry.trim();
        if let Some((iso, cultures)) = entry.split_once(':') {
            m.insert(iso.trim(), cultures.split('/').map(str::trim).collect());
        }
    }
    m
});

/// Cultures supported in a country, or `None` for a code outside the reference table.
pub fn cultures(iso2: &str) -> Option<&'static [&'static str]> {
    CULTURES.get(iso2).map(Vec::as_slice)
}

pub fn is_known_country(iso2: &str) -> bool {
    CULTURES.contains_key(iso2)
}

/// Detailed rules for the countries the emulator models (used by country rules and
/// address validation).
pub struct Detail {
    pub iso2: &'static str,
    pub state_required: bool,
    pub states: &'static [&'static str],
    pub postal_required: bool,
    pub postal_regex: &'static str,
    pub city_required: bool,
    pub phone_regex: &'static str,
    pub calling_codes: &'static [&'static str],
    pub vat_id_regex: Option<&'static str>,
    pub tax_id_format: Option<&'static str>,
    pub tax_id_sample: Option<&'static str>,
}

const US_STATES: [&str; 51] = [
    "AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA", "ID", "IL", "IN",
    "KS", "KY", "LA", "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE", "NH", "NJ",
    "NM", "NV", "NY", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VA", "VT", "WA",
    "WI", "WV", "WY",
];

/// Full US state names, so address validation can suggest the code (InteractionRequired).
pub const US_STATE_NAMES: [(&str, &str); 51] = [
    ("alaska", "AK"),
    ("alabama", "AL"),
    ("arkansas", "AR"),
    ("arizona", "AZ"),
    ("california", "CA"),
    ("colorado", "CO"),
    ("connecticut", "CT"),
    ("district of columbia", "DC"),
    ("delaware", "DE"),
    ("florida", "FL"),
    ("georgia", "GA"),
    ("hawaii", "HI"),
    ("iowa", "IA"),
    ("idaho", "ID"),
    ("illinois", "IL"),
    ("indiana", "IN"),
    ("kansas", "KS"),
    ("kentucky", "KY"),
    ("louisiana", "LA"),
    ("massachusetts", "MA"),
    ("maryland", "MD"),
    ("maine", "ME"),
    ("michigan", "MI"),
    ("minnesota", "MN"),
    ("missouri", "MO"),
    ("mississippi", "MS"),
    ("montana", "MT"),
    ("north carolina", "NC"),
    ("north dakota", "ND"),
    ("nebraska", "NE"),
    ("new hampshire", "NH"),
    ("new jersey", "NJ"),
    ("new mexico", "NM"),
    ("nevada", "NV"),
    ("new york", "NY"),
    ("ohio", "OH"),
    ("oklahoma", "OK"),
    ("oregon", "OR"),
    ("pennsylvania", "PA"),
    ("rhode island", "RI"),
    ("south carolina", "SC"),
    ("south dakota", "SD"),
    ("tennessee", "TN"),
    ("texas", "TX"),
    ("utah", "UT"),
    ("virginia", "VA"),
    ("vermont", "VT"),
    ("washington", "WA"),
    ("wisconsin", "WI"),
    ("west virginia", "WV"),
    ("wyoming", "WY"),
];

const BR_STATES: [&str; 27] = [
    "AC", "AL", "AP", "AM", "BA", "CE", "DF", "ES", "GO", "MA", "MT", "MS", "MG", "PA", "PB", "PR",
    "PE", "PI", "RJ", "RN", "RS", "RO", "RR", "SC", "SP", "SE", "TO",
];

const IN_STATES: [&str; 36] = [
    "AN", "AP", "AR", "AS", "BR", "CH", "CT", "DN", "DL", "GA", "GJ", "HR", "HP", "JK", "JH", "KA",
    "KL", "LA", "LD", "MP", "MH", "MN", "ML", "MZ", "NL", "OR", "PY", "PB", "RJ", "SK", "TN", "TG",
    "TR", "UP", "UT", "WB",
];

/// Generic international phone form used where the reference gives no regex.
const GENERIC_PHONE: &str = r"^\+?[0-9][0-9 ()./-]{5,24}$";

pub static DETAILS: [Detail; 6] = [
    Detail {
        iso2: "US",
        state_required: true,
        states: &US_STATES,
        postal_required: true,
        postal_regex: r"^\d{5}(-\d{4})?$",
        city_required: true,
        phone_regex: r"^(1[\-\/\.]?)?(\((\d{3})\)|(\d{3}))[\-\/\.]?(\d{3})[\-\/\.]?(\d{4})$",
        calling_codes: &["1"],
        vat_id_regex: None,
        tax_id_format: None,
        tax_id_sample: None,
    },
    Detail {
        iso2: "GB",
        state_required: false,
        states: &[],
        postal_required: true,
        postal_regex: r"^[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}$",
        city_required: true,
        phone_regex: GENERIC_PHONE,
        calling_codes: &["44"],
        vat_id_regex: Some(r"^GB(\d{9}|\d{12}|GD\d{3}|HA\d{3})$"),
        tax_id_format: Some("GB999999999"),
        tax_id_sample: Some("GB123456789"),
    },
    Detail {
        iso2: "DE",
        state_required: false,
        states: &[],
        postal_required: true,
        postal_regex: r"^\d{5}$",
        city_required: true,
        phone_regex: GENERIC_PHONE,
        calling_codes: &["49"],
        vat_id_regex: Some(r"^DE\d{9}$"),
        tax_id_format: Some("DE999999999"),
        tax_id_sample: Some("DE123456789"),
    },
    Detail {
        iso2: "BR",
        state_required: true,
        states: &BR_STATES,
        postal_required: true,
        postal_regex: r"^\d{5}-?\d{3}$",
        city_required: true,
        phone_regex: GENERIC_PHONE,
        calling_codes: &["55"],
        vat_id_regex: None,
        tax_id_format: None,
        tax_id_sample: None,
    },
    Detail {
        iso2: "IN",
        state_required: true,
        states: &IN_STATES,
        postal_required: true,
        postal_regex: r"^\d{6}$",
        city_required: true,
        phone_regex: GENERIC_PHONE,
        calling_codes: &["91"],
        vat_id_regex: None,
        tax_id_format: Some("99AAAAA9999A9Z9"),
        tax_id_sample: Some("27AAPFU0939F1ZV"),
    },
    Detail {
        iso2: "RU",
        state_required: false,
        states: &[],
        postal_required: true,
        postal_regex: r"^\d{6}$",
        city_required: true,
        phone_regex: GENERIC_PHONE,
        calling_codes: &["7"],
        vat_id_regex: None,
        tax_id_format: None,
        tax_id_sample: None,
    },
];

pub fn detail(iso2: &str) -> Option<&'static Detail> {
    DETAILS.iter().find(|d| d.iso2 == iso2)
}

static POSTAL_REGEXES: LazyLock<HashMap<&'static str, Regex>> = LazyLock::new(|| {
    DETAILS
        .iter()
        .filter_map(|d| Regex::new(d.postal_regex).ok().map(|re| (d.iso2, re)))
        .collect()
});

pub fn postal_code_valid(iso2: &str, value: &str) -> bool {
    POSTAL_REGEXES
        .get(iso2)
        .is_none_or(|re| re.is_match(value.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_complete() {
        assert_eq!(CULTURES.len(), 248);
        assert_eq!(cultures("BE"), Some(&["fr-BE", "nl-BE", "en-US"][..]));
        assert_eq!(cultures("SR"), Some(&["nl-NL"][..]));
        for c in REGISTRATION_COUNTRIES {
            assert!(is_known_country(c), "{c}");
        }
        assert_eq!(REGISTRATION_REGEXES.len(), 3);
        assert_eq!(POSTAL_REGEXES.len(), DETAILS.len());
    }

    #[test]
    fn registration_rules() {
        assert!(registration_number_valid("RU", "7707083893"));
        assert!(!registration_number_valid("RU", "77070838"));
        assert!(registration_number_valid("BR", "11.222.333/0001-81"));
        assert!(registration_number_valid("BR", "11222333000181"));
        assert!(registration_number_valid("PL", "REG-1234567"));
        assert!(!registration_number_valid("PL", "x"));
    }
}
