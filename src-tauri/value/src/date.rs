//! [`Date`]: a JavaScript `Date` for serde, with ISO 8601 text and `SystemTime` conversions.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

use crate::magic;

/// A JavaScript `Date`: milliseconds since 1970-01-01T00:00:00Z, `NaN` for an invalid date.
///
/// As a field of a `Serialize` type it becomes a real `Date` object on the wire (with
/// [`to_graph`](crate::to_graph)), and as a field of a `Deserialize` type it reads a `Date`
/// (or a number of milliseconds, or an ISO 8601 string). With serde_json it is the number of
/// milliseconds. For `std::time::SystemTime` fields use the [`system_time`](crate::system_time)
/// module with `#[serde(with = "ferrolens_value::system_time")]`.
///
/// ```
/// use ferrolens_value::Date;
/// let d = Date::new(86_400_000.5);
/// assert_eq!(d.time(), 86_400_000.0); // TimeClip truncates, as `new Date(x)` does
/// assert_eq!(d.to_iso_string().unwrap(), "1970-01-02T00:00:00.000Z");
/// assert_eq!(Date::parse("1970-01-02T00:00:00Z"), Some(d));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Date(pub f64);

/// The largest time value a `Date` holds (±100,000,000 days around the epoch).
const MAX_TIME: f64 = 8.64e15;
const MS_PER_DAY: i64 = 86_400_000;

impl Date {
    /// A date from a time value, after JavaScript's `TimeClip` (`NaN` beyond ±8.64e15 ms,
    /// fractions truncated, `-0` as `0`).
    pub fn new(time: f64) -> Self {
        Date(time_clip(time))
    }

    /// An invalid date (`new Date(NaN)`).
    pub fn invalid() -> Self {
        Date(f64::NAN)
    }

    /// The current time.
    pub fn now() -> Self {
        Self::from(SystemTime::now())
    }

    /// The time value in milliseconds (`date.getTime()`).
    pub fn time(self) -> f64 {
        self.0
    }

    /// False for an invalid date.
    pub fn is_valid(self) -> bool {
        self.0.is_finite()
    }

    /// The time as `SystemTime` (whole milliseconds), or `None` for an invalid date.
    pub fn to_system_time(self) -> Option<SystemTime> {
        if !self.is_valid() {
            return None;
        }
        let ms = self.0;
        let duration = Duration::from_millis(ms.abs() as u64);
        if ms >= 0.0 {
            UNIX_EPOCH.checked_add(duration)
        } else {
            UNIX_EPOCH.checked_sub(duration)
        }
    }

    /// `date.toISOString()`, or `None` for an invalid date (where JavaScript throws).
    pub fn to_iso_string(self) -> Option<String> {
        if !self.is_valid() {
            return None;
        }
        let t = self.0 as i64;
        let days = t.div_euclid(MS_PER_DAY);
        let ms_of_day = t.rem_euclid(MS_PER_DAY);
        let (y, m, d) = civil_from_days(days);
        let year = if (0..=9999).contains(&y) {
            format!("{y:04}")
        } else if y < 0 {
            format!("-{:06}", -y)
        } else {
            format!("+{y:06}")
        };
        Some(format!(
            "{year}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
            ms_of_day / 3_600_000,
            ms_of_day / 60_000 % 60,
            ms_of_day / 1000 % 60,
            ms_of_day % 1000
        ))
    }

    /// Parses ISO 8601 as JavaScript's `Date.parse` reads it: `YYYY-MM-DD`, optionally
    /// followed by `THH:mm`, `:ss`, `.sss` and `Z` or `±HH:mm` (date-only forms are UTC, and so,
    /// unlike JavaScript, are date-times without an offset); years may be `±YYYYYY`.
    pub fn parse(text: &str) -> Option<Self> {
        let mut p = Parser(text.as_bytes());
        let year = match p.peek() {
            Some(sign @ (b'+' | b'-')) => {
                p.bump();
                let y = p.digits(6)? as i64;
                if sign == b'-' {
                    if y == 0 {
                        return None; // -000000 is not allowed
                    }
                    -y
                } else {
                    y
                }
            }
            _ => p.digits(4)? as i64,
        };
        let (mut month, mut day) = (1, 1);
        if p.eat(b'-') {
            month = p.digits(2)?;
            if p.eat(b'-') {
                day = p.digits(2)?;
            }
        }
        let (mut hour, mut minute, mut second, mut ms) = (0, 0, 0, 0);
        let mut offset_minutes: i64 = 0;
        if p.eat(b'T') || p.eat(b't') || p.eat(b' ') {
            hour = p.digits(2)?;
            p.expect(b':')?;
            minute = p.digits(2)?;
            if p.eat(b':') {
                second = p.digits(2)?;
                if p.eat(b'.') || p.eat(b',') {
                    let start = p.0.len();
                    let frac = p.digits_any()?;
                    let n = start - p.0.len();
                    ms = (frac * 1000.0 / 10f64.powi(n as i32)) as u32;
                }
            }
            match p.peek() {
                Some(b'Z' | b'z') => p.bump(),
                Some(sign @ (b'+' | b'-')) => {
                    p.bump();
                    let h = p.digits(2)? as i64;
                    p.eat(b':');
                    let m = p.digits(2)? as i64;
                    offset_minutes = (h * 60 + m) * if sign == b'-' { -1 } else { 1 };
                }
                _ => {}
            }
        }
        if !p.0.is_empty()
            || !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 24
            || minute > 59
            || second > 59
            || (hour == 24 && (minute, second, ms) != (0, 0, 0))
        {
            return None;
        }
        let days = days_from_civil(year, month, day);
        let time = days as f64 * MS_PER_DAY as f64
            + f64::from(hour) * 3_600_000.0
            + f64::from(minute) * 60_000.0
            + f64::from(second) * 1000.0
            + f64::from(ms)
            - offset_minutes as f64 * 60_000.0;
        let date = Date::new(time);
        date.is_valid().then_some(date)
    }
}

impl PartialEq for Date {
    /// `SameValue` on the time values: invalid dates are equal.
    fn eq(&self, other: &Self) -> bool {
        crate::model::same_number(self.0, other.0)
    }
}

impl From<SystemTime> for Date {
    fn from(t: SystemTime) -> Self {
        let ms = match t.duration_since(UNIX_EPOCH) {
            Ok(after) => after.as_millis() as f64,
            Err(before) => -(before.duration().as_millis() as f64),
        };
        Date::new(ms)
    }
}

impl fmt::Display for Date {
    /// The ISO 8601 string, or `Invalid Date`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_iso_string() {
            Some(s) => f.write_str(&s),
            None => f.write_str("Invalid Date"),
        }
    }
}

/// JavaScript's `TimeClip`.
pub(crate) fn time_clip(time: f64) -> f64 {
    if !time.is_finite() || time.abs() > MAX_TIME {
        f64::NAN
    } else {
        time.trunc() + 0.0
    }
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

struct Parser<'a>(&'a [u8]);

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.0.first().copied()
    }

    fn bump(&mut self) {
        self.0 = &self.0[1..];
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        if hit {
            self.bump();
        }
        hit
    }

    fn expect(&mut self, b: u8) -> Option<()> {
        self.eat(b).then_some(())
    }

    fn digits(&mut self, n: usize) -> Option<u32> {
        let (head, rest) = (self.0.get(..n)?, &self.0[n..]);
        if !head.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.0 = rest;
        Some(head.iter().fold(0, |acc, d| acc * 10 + u32::from(d - b'0')))
    }

    fn digits_any(&mut self) -> Option<f64> {
        let n = self.0.iter().take_while(|d| d.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        let value = self.0[..n.min(9)]
            .iter()
            .fold(0f64, |acc, d| acc * 10.0 + f64::from(d - b'0'));
        let value = value * 10f64.powi(n.saturating_sub(9) as i32);
        self.0 = &self.0[n..];
        Some(value)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(magic::DATE, &self.0)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(magic::DATE, DateVisitor)
    }
}

struct DateVisitor;

impl<'de> Visitor<'de> for DateVisitor {
    type Value = Date;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Date, a number of milliseconds or an ISO 8601 string")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Date, D::Error> {
        d.deserialize_any(DateVisitor)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Date, E> {
        Ok(Date::new(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Date, E> {
        Ok(Date::new(v as f64))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Date, E> {
        Ok(Date::new(v as f64))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Date, E> {
        // JSON.stringify writes an invalid Date as null.
        Ok(Date::invalid())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
        Date::parse(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

/// `#[serde(with = "ferrolens_value::system_time")]` for `SystemTime` fields: written as a
/// `Date` (milliseconds), read from a `Date`, a number of milliseconds or an ISO 8601 string.
/// An invalid date is an error; use [`system_time::option`] for `Option<SystemTime>`, where it
/// reads as `None`.
pub mod system_time {
    use super::*;

    /// Writes the time as a [`Date`].
    pub fn serialize<S: Serializer>(time: &SystemTime, serializer: S) -> Result<S::Ok, S::Error> {
        Date::from(*time).serialize(serializer)
    }

    /// Reads a [`Date`] as `SystemTime`.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<SystemTime, D::Error> {
        let date = Date::deserialize(deserializer)?;
        date.to_system_time()
            .ok_or_else(|| de::Error::custom("invalid Date where a time is needed"))
    }

    /// The same for `Option<SystemTime>`: `None` is written as `null`, and `undefined`, `null`
    /// or an invalid date read as `None`.
    pub mod option {
        use super::*;

        /// Writes `Some` as a [`Date`], `None` as `null`.
        pub fn serialize<S: Serializer>(
            time: &Option<SystemTime>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match time {
                Some(t) => serializer.serialize_some(&Date::from(*t)),
                None => serializer.serialize_none(),
            }
        }

        /// Reads an optional [`Date`] as `Option<SystemTime>`.
        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<SystemTime>, D::Error> {
            let date = Option::<Date>::deserialize(deserializer)?;
            Ok(date.and_then(Date::to_system_time))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_strings_match_javascript() {
        let cases = [
            (0.0, "1970-01-01T00:00:00.000Z"),
            (-1.0, "1969-12-31T23:59:59.999Z"),
            (951_782_400_000.0, "2000-02-29T00:00:00.000Z"),
            (1_700_000_000_123.0, "2023-11-14T22:13:20.123Z"),
            (8.64e15, "+275760-09-13T00:00:00.000Z"),
            (-8.64e15, "-271821-04-20T00:00:00.000Z"),
            (-62_198_755_200_000.0, "-000001-01-01T00:00:00.000Z"),
            (253_402_300_800_000.0, "+010000-01-01T00:00:00.000Z"),
        ];
        for (t, iso) in cases {
            assert_eq!(Date(t).to_iso_string().as_deref(), Some(iso), "{t}");
            assert_eq!(Date::parse(iso), Some(Date(t)), "{iso}");
        }
        assert_eq!(Date::invalid().to_iso_string(), None);
        assert_eq!(Date::invalid().to_string(), "Invalid Date");
    }

    #[test]
    fn parse_accepts_short_forms_and_offsets() {
        assert_eq!(Date::parse("1970-01-02"), Some(Date(86_400_000.0)));
        assert_eq!(Date::parse("1970-01"), Some(Date(0.0)));
        assert_eq!(Date::parse("1970"), Some(Date(0.0)));
        assert_eq!(Date::parse("1970-01-01T01:00+01:00"), Some(Date(0.0)));
        assert_eq!(Date::parse("1970-01-01T00:00:00.5Z"), Some(Date(500.0)));
        for bad in [
            "",
            "1970-13-01",
            "1970-02-30",
            "1970-01-01T25:00",
            "-000000-01-01",
            "x",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn time_clip_follows_javascript() {
        assert_eq!(Date::new(1.9).time(), 1.0);
        assert_eq!(Date::new(-1.9).time(), -1.0);
        assert!(Date::new(-0.0).time().is_sign_positive());
        assert!(!Date::new(8.64e15 + 1.0).is_valid());
        assert!(!Date::new(f64::INFINITY).is_valid());
    }

    #[test]
    fn system_time_round_trips_in_milliseconds() {
        let t = UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
        assert_eq!(Date::from(t).to_system_time(), Some(t));
        let before = UNIX_EPOCH - Duration::from_millis(5);
        assert_eq!(Date::from(before).time(), -5.0);
        assert_eq!(Date::from(before).to_system_time(), Some(before));
        assert_eq!(Date::invalid().to_system_time(), None);
    }
}
