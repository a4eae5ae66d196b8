package register

// upnLetters are the letters a UPN's check character is drawn from, and
// the values letters have in the sum: DfE's UPN guide leaves out I, O and
// S, which are easily misread as digits.
const upnLetters = "ABCDEFGHJKLMNPQRTUVWXYZ"

// UPNShaped reports whether an id has the shape of a unique pupil number:
// 13 characters, a letter, 11 digits, and a digit or (for a temporary UPN)
// a letter. Such an id names one child in every school in England, so it
// is the pupil's key across schools; any other id (an admission number, a
// student id) is local to its school. The check letter is not part of the
// shape: a UPN with a wrong check letter is still the id the school uses,
// and is reported rather than re-keyed (see UPNValid).
func UPNShaped(id string) bool {
	if len(id) != 13 || !isUpper(id[0]) {
		return false
	}
	for i := 1; i < 12; i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	c := id[12]
	return '0' <= c && c <= '9' || isUpper(c)
}

func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

// UPNValid checks a UPN-shaped id's check letter: characters 2 to 13 are
// weighted 2 to 13 (a letter in the 13th place by its position in
// upnLetters), and the sum modulo 23 picks the first character from
// upnLetters. A letter outside upnLetters (I, O, S) is never valid.
func UPNValid(id string) bool {
	if !UPNShaped(id) {
		return false
	}
	sum := 0
	for i := 1; i < 13; i++ {
		v := int(id[i] - '0')
		if isUpper(id[i]) {
			v = indexLetter(id[i])
			if v < 0 {
				return false
			}
		}
		sum += v * (i + 1)
	}
	return upnLetters[sum%23] == id[0]
}

func indexLetter(c byte) int {
	for i := 0; i < len(upnLetters); i++ {
		if upnLetters[i] == c {
			return i
		}
	}
	return -1
}
