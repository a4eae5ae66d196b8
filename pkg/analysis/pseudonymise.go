package analysis

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
)

// MinKeyBytes is the shortest pseudonymisation key accepted: a short key
// could be guessed by hashing every UPN.
const MinKeyBytes = 16

// Pseudonymise replaces every pupil id with a keyed hash (HMAC-SHA256,
// shortened to 16 hex digits and prefixed "P-") and drops names, so an
// analyst can be given the list without identities. The same key gives the
// same pseudonyms, so weekly runs can still be compared; without the key
// nobody can recompute them from a list of UPNs.
func Pseudonymise(res *Result, key []byte) error {
	if len(key) < MinKeyBytes {
		return errors.New("the pseudonymisation key must be at least 16 bytes")
	}
	done := map[*Pupil]bool{}
	for _, list := range [][]*Pupil{res.All, res.Enrolments} {
		for _, p := range list {
			if p.Aggregate || done[p] {
				continue
			}
			done[p] = true
			p.ID = Pseudonym(key, p.ID)
			p.Info.Surname, p.Info.Forename = "", ""
			p.reg = nil
		}
	}
	res.Register = nil // holds the real ids
	return nil
}

// Pseudonym is one id's pseudonym under a key.
func Pseudonym(key []byte, id string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	return "P-" + hex.EncodeToString(m.Sum(nil))[:16]
}
