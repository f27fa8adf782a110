//! [`BigInt`]: an arbitrary-precision integer kept as sign and magnitude bytes.

use std::fmt;
use std::str::FromStr;

/// A JavaScript BigInt: a sign and a little-endian magnitude, always normalized (no most
/// significant zero bytes, and zero is never negative), so derived equality is numeric equality.
///
/// Converts from and to the Rust integer types; a conversion that does not fit fails with
/// [`OutOfRange`]. `Display` and `FromStr` use decimal, as JavaScript's `String(n)` does.
///
/// ```
/// use ferrolens_value::BigInt;
/// let n = BigInt::from(-300i64);
/// assert_eq!(n.magnitude_le(), &[0x2C, 0x01]);
/// assert_eq!(i64::try_from(&n), Ok(-300));
/// assert!(u64::try_from(&n).is_err());
/// let big: BigInt = "123456789012345678901234567890".parse().unwrap();
/// assert_eq!(big.to_string(), "123456789012345678901234567890");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct BigInt {
    negative: bool,
    magnitude: Box<[u8]>,
}

/// A BigInt did not fit the integer type asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfRange;

impl fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BigInt out of range for the integer type")
    }
}

impl std::error::Error for OutOfRange {}

/// A string was not a decimal integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseBigIntError;

impl fmt::Display for ParseBigIntError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a decimal integer")
    }
}

impl std::error::Error for ParseBigIntError {}

impl BigInt {
    /// Zero.
    pub fn zero() -> Self {
        Self::default()
    }

    /// A BigInt from a sign and little-endian magnitude bytes; normalizes both.
    pub fn from_sign_magnitude(negative: bool, magnitude_le: impl Into<Vec<u8>>) -> Self {
        let mut magnitude = magnitude_le.into();
        while magnitude.last() == Some(&0) {
            magnitude.pop();
        }
        Self {
            negative: negative && !magnitude.is_empty(),
            magnitude: magnitude.into_boxed_slice(),
        }
    }

    /// True when below zero.
    pub fn is_negative(&self) -> bool {
        self.negative
    }

    /// True for zero.
    pub fn is_zero(&self) -> bool {
        self.magnitude.is_empty()
    }

    /// The absolute value's bytes, least significant first, without trailing zeros.
    pub fn magnitude_le(&self) -> &[u8] {
        &self.magnitude
    }

    /// The nearest `f64`, as JavaScript's `Number(n)` gives (rounding to nearest, ties to even;
    /// `±Infinity` when too large).
    pub fn to_f64(&self) -> f64 {
        let bits = self.bit_len();
        let magnitude = if bits <= 128 {
            self.magnitude_u128() as f64
        } else {
            // Keep the top 128 bits plus a sticky bit for the rest, then scale.
            let shift = bits - 128;
            let mut top: u128 = 0;
            for i in (0..128).rev() {
                top = (top << 1) | u128::from(self.bit(shift + i));
            }
            let sticky = (0..shift).any(|i| self.bit(i));
            let top = top | u128::from(sticky);
            let mantissa = top as f64;
            if shift > 2000 {
                f64::INFINITY
            } else {
                mantissa * 2f64.powi(shift as i32)
            }
        };
        if self.negative {
            -magnitude
        } else {
            magnitude
        }
    }

    fn bit_len(&self) -> usize {
        match self.magnitude.last() {
            None => 0,
            Some(&top) => (self.magnitude.len() - 1) * 8 + (8 - top.leading_zeros() as usize),
        }
    }

    fn bit(&self, i: usize) -> bool {
        self.magnitude
            .get(i / 8)
            .is_some_and(|b| b >> (i % 8) & 1 == 1)
    }

    fn magnitude_u128(&self) -> u128 {
        self.magnitude
            .iter()
            .take(16)
            .rev()
            .fold(0u128, |acc, &b| (acc << 8) | u128::from(b))
    }

    /// The magnitude as u128 when it fits.
    fn magnitude_fits_u128(&self) -> Option<u128> {
        (self.magnitude.len() <= 16).then(|| self.magnitude_u128())
    }
}

impl From<u128> for BigInt {
    fn from(v: u128) -> Self {
        Self::from_sign_magnitude(false, v.to_le_bytes().to_vec())
    }
}

impl From<i128> for BigInt {
    fn from(v: i128) -> Self {
        Self::from_sign_magnitude(v < 0, v.unsigned_abs().to_le_bytes().to_vec())
    }
}

macro_rules! from_small {
    ($($t:ty => $via:ty),*) => {$(
        impl From<$t> for BigInt {
            fn from(v: $t) -> Self {
                Self::from(<$via>::from(v))
            }
        }
    )*};
}
from_small!(u8 => u128, u16 => u128, u32 => u128, u64 => u128, i8 => i128, i16 => i128, i32 => i128, i64 => i128);

impl From<usize> for BigInt {
    fn from(v: usize) -> Self {
        Self::from(v as u128)
    }
}

impl From<isize> for BigInt {
    fn from(v: isize) -> Self {
        Self::from(v as i128)
    }
}

impl TryFrom<&BigInt> for u128 {
    type Error = OutOfRange;
    fn try_from(n: &BigInt) -> Result<Self, OutOfRange> {
        match n.magnitude_fits_u128() {
            Some(m) if !n.negative => Ok(m),
            _ => Err(OutOfRange),
        }
    }
}

impl TryFrom<&BigInt> for i128 {
    type Error = OutOfRange;
    fn try_from(n: &BigInt) -> Result<Self, OutOfRange> {
        let m = n.magnitude_fits_u128().ok_or(OutOfRange)?;
        if n.negative {
            if m <= i128::MAX as u128 + 1 {
                Ok((m as i128).wrapping_neg())
            } else {
                Err(OutOfRange)
            }
        } else {
            i128::try_from(m).map_err(|_| OutOfRange)
        }
    }
}

macro_rules! try_into_small {
    ($($t:ty => $via:ty),*) => {$(
        impl TryFrom<&BigInt> for $t {
            type Error = OutOfRange;
            fn try_from(n: &BigInt) -> Result<Self, OutOfRange> {
                let wide = <$via>::try_from(n)?;
                <$t>::try_from(wide).map_err(|_| OutOfRange)
            }
        }
        impl TryFrom<BigInt> for $t {
            type Error = OutOfRange;
            fn try_from(n: BigInt) -> Result<Self, OutOfRange> {
                <$t>::try_from(&n)
            }
        }
    )*};
}
try_into_small!(
    u8 => u128, u16 => u128, u32 => u128, u64 => u128, usize => u128,
    i8 => i128, i16 => i128, i32 => i128, i64 => i128, isize => i128
);

impl TryFrom<BigInt> for u128 {
    type Error = OutOfRange;
    fn try_from(n: BigInt) -> Result<Self, OutOfRange> {
        u128::try_from(&n)
    }
}

impl TryFrom<BigInt> for i128 {
    type Error = OutOfRange;
    fn try_from(n: BigInt) -> Result<Self, OutOfRange> {
        i128::try_from(&n)
    }
}

impl fmt::Display for BigInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(m) = self.magnitude_fits_u128() {
            let sign = if self.negative { "-" } else { "" };
            return write!(f, "{sign}{m}");
        }
        // Repeated division by 10^9 over 32-bit limbs, most significant first.
        let mut limbs: Vec<u32> = self
            .magnitude
            .chunks(4)
            .rev()
            .map(|c| {
                c.iter()
                    .rev()
                    .fold(0u32, |acc, &b| (acc << 8) | u32::from(b))
            })
            .collect();
        const CHUNK: u64 = 1_000_000_000;
        let mut chunks = Vec::new();
        while limbs.iter().any(|&l| l != 0) {
            let mut rem: u64 = 0;
            for limb in limbs.iter_mut() {
                let cur = (rem << 32) | u64::from(*limb);
                *limb = (cur / CHUNK) as u32;
                rem = cur % CHUNK;
            }
            chunks.push(rem as u32);
            let zeros = limbs.iter().take_while(|&&l| l == 0).count();
            limbs.drain(..zeros);
        }
        let mut out = String::new();
        if self.negative {
            out.push('-');
        }
        let mut iter = chunks.iter().rev();
        if let Some(first) = iter.next() {
            out.push_str(&first.to_string());
        }
        for chunk in iter {
            out.push_str(&format!("{chunk:09}"));
        }
        f.write_str(&out)
    }
}

impl fmt::Debug for BigInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}n")
    }
}

impl FromStr for BigInt {
    type Err = ParseBigIntError;

    /// Parses an optionally signed decimal integer (`-123`, `+5`, `0`).
    fn from_str(s: &str) -> Result<Self, ParseBigIntError> {
        let (negative, digits) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseBigIntError);
        }
        // Little-endian bytes, multiply by 10 and add each digit.
        let mut mag: Vec<u8> = Vec::new();
        for d in digits.bytes() {
            let mut carry = u32::from(d - b'0');
            for byte in mag.iter_mut() {
                let cur = u32::from(*byte) * 10 + carry;
                *byte = cur as u8;
                carry = cur >> 8;
            }
            while carry > 0 {
                mag.push(carry as u8);
                carry >>= 8;
            }
        }
        Ok(Self::from_sign_magnitude(negative, mag))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_zero_and_leading_zero_bytes() {
        let z = BigInt::from_sign_magnitude(true, vec![0, 0]);
        assert!(z.is_zero());
        assert!(!z.is_negative());
        assert_eq!(z, BigInt::zero());
        assert_eq!(
            BigInt::from_sign_magnitude(false, vec![5, 0]).magnitude_le(),
            &[5]
        );
    }

    #[test]
    fn converts_to_and_from_integers_at_their_limits() {
        for v in [i128::MIN, i128::MAX, -1, 0, 1, i64::MIN as i128] {
            assert_eq!(i128::try_from(&BigInt::from(v)), Ok(v));
        }
        assert_eq!(u128::try_from(&BigInt::from(u128::MAX)), Ok(u128::MAX));
        assert_eq!(i64::try_from(&BigInt::from(i64::MIN)), Ok(i64::MIN));
        assert_eq!(
            i64::try_from(&BigInt::from(i64::MAX as i128 + 1)),
            Err(OutOfRange)
        );
        assert_eq!(u8::try_from(&BigInt::from(-1)), Err(OutOfRange));
        assert_eq!(u64::try_from(BigInt::from(u64::MAX)), Ok(u64::MAX));
        let huge = BigInt::from_sign_magnitude(false, vec![1; 17]);
        assert_eq!(u128::try_from(&huge), Err(OutOfRange));
    }

    #[test]
    fn decimal_round_trips_beyond_128_bits() {
        for s in [
            "0",
            "-1",
            "340282366920938463463374607431768211456",
            "-98765432109876543210987654321098765432109876543210",
            "1000000000000000000000000000000000000000000",
        ] {
            assert_eq!(s.parse::<BigInt>().unwrap().to_string(), s);
        }
        assert_eq!("+7".parse::<BigInt>().unwrap(), BigInt::from(7));
        assert!("".parse::<BigInt>().is_err());
        assert!("1x".parse::<BigInt>().is_err());
        assert!("-".parse::<BigInt>().is_err());
    }

    #[test]
    fn to_f64_rounds_like_number() {
        assert_eq!(BigInt::from(-5).to_f64(), -5.0);
        assert_eq!(BigInt::from(u64::MAX).to_f64(), 18446744073709551616.0);
        let two_200: BigInt = {
            let mut m = vec![0u8; 25];
            m.push(1);
            BigInt::from_sign_magnitude(false, m)
        };
        assert_eq!(two_200.to_f64(), 2f64.powi(200));
        let enormous = BigInt::from_sign_magnitude(true, vec![0xFF; 200]);
        assert_eq!(enormous.to_f64(), f64::NEG_INFINITY);
    }
}
