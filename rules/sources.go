package rules

// Document is a document the rules may cite, as a person would look it up.
type Document struct {
	// Title is how citations begin: publisher and title, as in
	// shared/domain/sources.md.
	Title string
	// About is what the rules take from it.
	About string
	// URL is the public web address, where one is known (never invented).
	URL string
}

// Documents are the documents the default rules cite, in the order
// `attendrisk rules sources` lists them. A citation belongs to the document
// whose Title it begins with.
var Documents = []Document{
	{
		Title: "Southampton City Council, Educational Neglect Practitioner Guidance (January 2025)",
		About: "revised January 2025, Southampton Children and Adults Safeguarding Partnership: the factors associated with educational neglect (parent and carer, professional and agency, young person), the table of child, parental and wider agency risk factors and protective factors, advice by age (statutory school age, early years, post 16) and what professionals should consider",
	},
	{
		Title: "Bury Safeguarding Partnership, 7 Minute Briefing - Educational Neglect",
		About: "7 Minute Briefing: Educational Neglect; sections 1 Background to 7 Resources & Services",
	},
	{
		Title: "Bury Safeguarding Partnership, 7 Minute Briefing - Attendance",
		About: "7 Minute Briefing: Attendance; sections 1 Background to 7 Resources & Services",
	},
	{
		Title: "Department for Education, Working together to improve school attendance",
		About: "statutory guidance, applies from 19 August 2024: support first, targeting support meetings, the attendance return, the sickness return, the national penalty notice framework, notices to improve",
		URL:   "https://www.gov.uk/government/publications/working-together-to-improve-school-attendance",
	},
	{
		Title: "The School Attendance (Pupil Registration) (England) Regulations 2024",
		About: "attendance codes (regulation 10), deletion grounds and the 20-day rule",
		URL:   "https://www.legislation.gov.uk/uksi/2024/208/regulation/10/made",
	},
	{
		Title: "Department for Education, Pupil absence in schools in England",
		About: "official statistics (Explore Education Statistics): how persistent and severe absence are computed",
	},
	{
		Title: "Department for Education, Children missing education",
		About: "statutory guidance: CME enquiries and the deletion return",
	},
	{
		Title: "Department for Education, Suspension and permanent exclusion guidance",
		About: "provision from the sixth school day of a suspension or permanent exclusion",
	},
	{
		Title: "Isle of Wight Council v Platt [2017] UKSC 28",
		About: "Supreme Court: \"fails to attend regularly\" (Education Act 1996, section 444(1)) means failing to attend \"in accordance with the rules prescribed by the school\"",
		URL:   "https://caselaw.nationalarchives.gov.uk/uksc/2017/28",
	},
	{
		Title: "Education Act 1996, section 444",
		About: "the offence of failing to secure regular attendance; subsections (2A) and (3): absence through sickness or any unavoidable cause, with leave, or on a day set apart for religious observance is not a failure to attend regularly",
		URL:   "https://www.legislation.gov.uk/ukpga/1996/56/section/444",
	},
	{
		Title: "Education Act 1996, section 8, and the Education (Start of Compulsory School Age) Order 1998",
		About: "compulsory school age: from the prescribed day (31 August, 31 December, 31 March) on or after the fifth birthday, to the last Friday in June of the school year in which the child turns 16",
	},
}
