package synth

import "strconv"

// Invented names. The lists are short on purpose: combinations repeat across
// a large file (as real names do), which is why a UPN, not a name, identifies
// a pupil. A few carry non-ASCII letters (Zoë, Siobhán, José, Łukasz, Nowak's
// neighbours Wiśniewska and Müller) and an apostrophe or hyphen, because MIS
// exports do and a reader that mangles UTF-8 or splits on punctuation must be
// caught by the tests. None contains a comma or a double quote, so the CSV
// writers never need to quote in the hot loop (appendCSVField still would).
var forenames = []string{
	"Oliver", "Amelia", "Muhammad", "Olivia", "George", "Isla", "Noah", "Ava",
	"Arthur", "Ivy", "Leo", "Freya", "Oscar", "Lily", "Harry", "Florence",
	"Archie", "Mia", "Jack", "Willow", "Henry", "Rosie", "Charlie", "Sophia",
	"Theo", "Isabella", "Alfie", "Grace", "Jacob", "Evie", "Freddie", "Poppy",
	"Thomas", "Ella", "Reuben", "Sienna", "Ibrahim", "Aisha", "Yusuf", "Maryam",
	"Kai", "Priya", "Arjun", "Anaya", "Kofi", "Amara", "Tomasz", "Zuzanna",
	"Mateo", "Lucía", "Finn", "Niamh", "Callum", "Eilidh", "Rhys", "Ffion",
	"Zoë", "Siobhán", "José", "Łukasz", "Chloé", "Seán", "Maja", "Dylan",
}

var surnames = []string{
	"Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson",
	"Thomas", "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker",
	"White", "Edwards", "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke",
	"Patel", "Khan", "Ahmed", "Hussain", "Ali", "Begum", "Singh", "Kaur",
	"Okafor", "Mensah", "Adeyemi", "Nowak", "Kowalski", "Wiśniewska", "Müller",
	"García", "Silva", "Murphy", "O'Connor", "O'Brien", "Kelly", "Byrne",
	"MacDonald", "Campbell", "Stewart", "Morgan", "Price", "Ward", "Cooper",
	"Fletcher-Hughes", "Ashworth", "Pemberton", "Oyelaran", "Nguyen", "Chen",
}

// upnLetters maps a remainder mod 23 to a UPN check letter: A-Z without I, O
// and S, which are too easily read as 1, 0 and 5.
const upnLetters = "ABCDEFGHJKLMNPQRTUVWXYZ"

// fictionalLA is the LA number in every generated UPN. 999 is not an English
// LA, so a synthetic UPN can never be a real child's.
const fictionalLA = 999

// makeUPN builds a 13-character UPN in the DfE layout: a check letter, the
// 3-digit LA number, the 4-digit establishment number, the 2-digit year of
// allocation and a 3-digit serial. The check letter follows the DfE UPN guide:
// characters 2 to 13 are multiplied by weights 2 to 13, summed, and the
// remainder mod 23 picks the letter, so a reader that validates UPNs accepts
// these.
func makeUPN(la, estab, yy, serial int) string {
	var b [13]byte
	put := func(at, width, v int) {
		for i := at + width - 1; i >= at; i-- {
			b[i] = byte('0' + v%10)
			v /= 10
		}
	}
	put(1, 3, la)
	put(4, 4, estab)
	put(8, 2, yy)
	put(10, 3, serial)
	b[0] = upnCheck(b[1:])
	return string(b[:])
}

// upnCheck computes the check letter of the 12 digits after it.
func upnCheck(digits []byte) byte {
	sum := 0
	for i, d := range digits {
		sum += int(d-'0') * (i + 2)
	}
	return upnLetters[sum%23]
}

// familyID formats the context file's family identifier.
func familyID(n int) string {
	s := strconv.Itoa(n)
	for len(s) < 5 {
		s = "0" + s
	}
	return "FAM" + s
}
