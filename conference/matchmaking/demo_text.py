"""Word lists for synthetic attendees: names by language, cities, organisation names, job titles.

Every organisation name is invented; none stands for a real body.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.replace("_", " ") for word in text.split())


# name group -> (given names, family names)
NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "fr": (
        _words("Camille Léa Julien Chloé Mathieu Inès Thomas Manon Nicolas Élodie Hugo Claire"),
        _words(
            "Martin Bernard Dubois Lefèvre Moreau Laurent Girard Fontaine Rousseau Mercier Garnier Perrin"
        ),
    ),
    "de": (
        _words("Anna Lukas Lena Jonas Miriam Felix Katrin Tobias Sabine Florian Julia Matthias"),
        _words("Müller Schmidt Schneider Fischer Weber Wagner Becker Hoffmann Schulz Koch Richter Wolf"),
    ),
    "nl": (
        _words("Sanne Daan Eva Bram Lotte Thijs Anouk Ruben Femke Jeroen Sofie Pieter"),
        _words("de_Jong Jansen de_Vries van_Dijk Bakker Visser Smit Meijer Mulder de_Boer Peeters Maes"),
    ),
    "it": (
        _words("Giulia Marco Francesca Luca Chiara Alessandro Sara Matteo Elena Davide Silvia Paolo"),
        _words("Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Conti"),
    ),
    "es": (
        _words("Lucía Javier María Pablo Carmen Alejandro Laura Diego Marta Sergio Ana Andrés"),
        _words("García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Ruiz Díaz Moreno"),
    ),
    "pt": (
        _words("Beatriz João Mariana Pedro Ana Tiago Inês Rafael Carolina Lucas Fernanda Gabriel"),
        _words(
            "Silva Santos Ferreira Pereira Oliveira Costa Rodrigues Almeida Nascimento Carvalho Souza Lima"
        ),
    ),
    "en": (
        _words("Emily James Olivia Michael Sarah David Hannah Daniel Grace Andrew Rachel Kevin"),
        _words("Smith Johnson Brown Taylor Wilson Walker Campbell O'Brien Murphy Clarke Hughes Bennett"),
    ),
    "nordic": (
        _words("Ingrid Erik Astrid Lars Freja Mikkel Sofia Anders Karin Jonas Maja Nils"),
        _words("Andersson Johansson Nielsen Hansen Larsen Karlsson Eriksson Pedersen Lindqvist Berg"),
    ),
    "fi": (
        _words("Aino Mikko Laura Juha Emilia Antti Sanna Ville Heidi Jussi"),
        _words("Virtanen Korhonen Mäkinen Nieminen Mäkelä Hämäläinen Laine Koskinen Heikkinen"),
    ),
    "pl": (
        _words("Anna Piotr Katarzyna Tomasz Magdalena Paweł Agnieszka Michał Joanna Krzysztof"),
        _words("Nowak Kowalski Wiśniewska Wójcik Kamińska Lewandowski Zielińska Szymański Woźniak"),
    ),
    "cs": (
        _words("Tereza Jakub Lucie Ondřej Petra Martin Zuzana Tomáš Jana Lukáš"),
        _words("Novák Svobodová Dvořák Černá Procházka Kučerová Horváth Kováčová Varga Tóth"),
    ),
    "hu": (
        _words("Eszter Bence Réka Gábor Anna Dániel Zsófia Péter Katalin Balázs"),
        _words("Nagy Kovács Szabó Horváth Kiss Molnár Farkas Balogh Papp Takács"),
    ),
    "ro": (
        _words("Ioana Andrei Maria Mihai Elena Alexandru Ana Cristian Irina Radu"),
        _words("Popescu Ionescu Popa Dumitru Stan Stoica Gheorghe Matei Constantin Rusu"),
    ),
    "bg": (
        _words("Maria Georgi Elena Dimitar Ivana Nikolai Desislava Stoyan Petya Ivan"),
        _words("Ivanova Georgiev Dimitrova Petrov Nikolova Stoyanov Todorova Hristov Angelova"),
    ),
    "el": (
        _words("Eleni Giorgos Maria Nikos Katerina Dimitris Sofia Kostas Anna Yannis"),
        _words("Papadopoulou Georgiou Nikolaou Christodoulou Ioannou Konstantinou Vasileiou Pappas"),
    ),
    "hr": (
        _words("Ana Luka Petra Marko Maja Ivan Nina Tomislav Katarina Matej"),
        _words("Horvat Kovačič Novak Kralj Babić Zupan Jurić Potočnik Marić Knez"),
    ),
    "baltic": (
        _words("Liis Mart Kristīne Jānis Ieva Tomas Kadri Andris Rūta Mindaugas"),
        _words("Tamm Saar Bērziņš Kalniņa Kazlauskas Jankauskaitė Ozola Petrauskas Mägi Sepp"),
    ),
    "mt": (
        _words("Maria Joseph Claire Mark Rebecca Luke Nicole Daniel"),
        _words("Borg Camilleri Vella Farrugia Zammit Galea Grech Attard"),
    ),
    "ko": (
        _words("Ji-woo Min-jun Seo-yeon Do-hyun Ha-eun Jae-won Su-bin Hyun-woo Ye-jin Seung-ho"),
        _words("Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim"),
    ),
    "in": (
        _words("Priya Arjun Ananya Rahul Kavya Vikram Meera Rohan Sneha Aditya"),
        _words("Sharma Patel Singh Kumar Gupta Iyer Reddy Nair Desai Mehta"),
    ),
}

CITIES: dict[str, tuple[str, ...]] = {
    "AT": _words("Vienna Graz Linz"),
    "BE": _words("Brussels Liège Ghent Antwerp"),
    "BG": _words("Sofia Plovdiv"),
    "BR": _words("São_Paulo Recife Porto_Alegre Belo_Horizonte"),
    "CA": _words("Montreal Toronto Vancouver Winnipeg"),
    "CY": _words("Nicosia Limassol"),
    "CZ": _words("Prague Brno"),
    "DE": _words("Berlin Hamburg Munich Leipzig Cologne"),
    "DK": _words("Copenhagen Aarhus"),
    "EE": _words("Tallinn Tartu"),
    "ES": _words("Madrid Barcelona Bilbao Seville Valencia"),
    "FI": _words("Helsinki Tampere"),
    "FR": _words("Paris Lyon Lille Nantes Marseille Bordeaux"),
    "GR": _words("Athens Thessaloniki"),
    "HR": _words("Zagreb Split"),
    "HU": _words("Budapest Debrecen"),
    "IE": _words("Dublin Cork Galway"),
    "IN": _words("Mumbai Delhi Bengaluru Ahmedabad Kolkata"),
    "IT": _words("Rome Milan Bologna Turin Naples Trento"),
    "KR": _words("Seoul Busan Daejeon"),
    "LT": _words("Vilnius Kaunas"),
    "LU": _words("Luxembourg Esch-sur-Alzette"),
    "LV": _words("Riga"),
    "MT": _words("Valletta Sliema"),
    "MX": _words("Mexico_City Guadalajara Oaxaca Monterrey"),
    "NL": _words("Amsterdam Rotterdam Utrecht"),
    "PL": _words("Warsaw Kraków Gdańsk Wrocław"),
    "PT": _words("Lisbon Porto Coimbra"),
    "RO": _words("Bucharest Cluj-Napoca Iași"),
    "SE": _words("Stockholm Malmö Gothenburg"),
    "SI": _words("Ljubljana Maribor"),
    "SK": _words("Bratislava Košice"),
    "US": _words("New_York Chicago Oakland Boston Minneapolis"),
}

# {city}, {country}, {family} and {word} are filled in; {country} is the English country name.
ORGANISATIONS: dict[str, tuple[str, ...]] = {
    "cooperative": (
        "{city} Workers' Cooperative",
        "{word} Housing Cooperative",
        "{city} Community Energy Co-op",
        "{word} Care Cooperative",
        "{city} Food Co-op",
    ),
    "social_enterprise": (
        "{word} Social Enterprise",
        "{word} Works {city}",
        "Second Chance {word}",
        "{city} Reuse Lab",
        "{word} Inclusion Services",
    ),
    "association": (
        "{city} Solidarity Economy Association",
        "Association for Social Inclusion {city}",
        "{word} Neighbourhood Association",
        "{country} Federation of Social Economy Associations",
    ),
    "foundation": ("{family} Foundation", "{city} Community Foundation", "{word} Trust"),
    "government": (
        "Ministry of Labour and Social Economy, {country}",
        "City of {city}",
        "Regional Government, {city} region",
        "Department for Inclusive Growth, {country}",
    ),
    "international_org": (
        "International Social Economy Forum",
        "Global Solidarity Economy Alliance",
        "Intergovernmental Office for Inclusive Growth",
        "Transnational Cooperative Council",
    ),
    "research": (
        "University of {city}",
        "{city} Institute for Cooperative Studies",
        "Centre for Social Innovation Research, {city}",
        "{country} Social Economy Observatory",
    ),
    "funder": ("{city} Impact Fund", "{word} Social Investment", "Ethical Bank of {city}", "{word} Capital"),
    "network": (
        "{country} Social Economy Network",
        "{city} SSE Hub",
        "Women Social Entrepreneurs Network {country}",
        "{word} Network",
    ),
    "business": ("{family} & Partners", "{word} Logistics", "{family} Consulting", "{word} Foods"),
    "other": ("{word} Media Lab", "Independent", "{city} Civic Lab"),
}

ORGANISATION_WORDS = _words(
    "Greenloop Commonground Tandem Horizon Mosaic Roots Bridge Kinship Beacon Compass Harvest Weave "
    "Riverside Openfield Lighthouse Seedling Cornerstone Orbit Circle Northstar"
)

JOB_TITLES: dict[str, tuple[str, ...]] = {
    "cooperative": ("General Manager", "Member-Director", "Cooperative Development Officer", "President"),
    "social_enterprise": ("Founder and CEO", "Co-founder", "Operations Director", "Impact Manager"),
    "association": ("Executive Director", "Policy Officer", "Programme Coordinator", "Chair"),
    "foundation": ("Programme Officer", "Director of Grants", "Executive Director"),
    "government": ("Policy Advisor", "Head of Unit", "Deputy Director", "Social Economy Lead"),
    "international_org": ("Policy Analyst", "Senior Economist", "Programme Manager"),
    "research": ("Professor", "Researcher", "PhD Candidate", "Research Fellow"),
    "funder": ("Investment Manager", "Impact Investment Officer", "Portfolio Director"),
    "network": ("Network Coordinator", "Director", "Community Manager", "Advocacy Officer"),
    "business": ("Partner", "Sustainability Manager", "Procurement Lead", "Managing Director"),
    "other": ("Consultant", "Journalist", "Independent Expert"),
}
