"""The attendance nudge texts in every language the portal offers (pure: no Flask).

Plain words, under 150, readable at about a 5th-grade level: absence letters rewritten
this way worked about 40 % better than legalistic ones (Lasky-Fink, Robinson & Rogers),
and telling parents the running total beside what is typical for classmates cut chronic
absence by 10 % or more (Rogers & Feller 2018). Each text says "you can help".

Placeholders: {guardian} {student} {absences} {days} {typical} {grade} {school}. The
count {absences} is always 3 or more (see nudges.MIN_ABSENCES); {typical} may be 0 or 1,
so no text puts a noun after it that would need a plural.
"""

NUDGE = {
    "en": ("{student} has missed {absences} days of school this year",
           "Dear {guardian},\n\n"
           "{student} has missed {absences} of {days} school days this year. A typical "
           "student in grade {grade} at our school has missed {typical}.\n\n"
           "Every day counts. Children who miss many days fall behind, and it is hard to "
           "catch up.\n\n"
           "You can help. Talk with {student} about school. Plan ahead for rides and "
           "doctor visits. If something makes it hard to come to school, tell us. We want "
           "to help.\n\n"
           "Thank you,\n{school}"),
    "es": ("{student} ha faltado {absences} días a la escuela este año",
           "Estimado/a {guardian}:\n\n"
           "{student} ha faltado {absences} de {days} días de clase este año. En {grade}.º "
           "grado de nuestra escuela, lo normal hasta ahora es faltar {typical} día(s).\n\n"
           "Cada día cuenta. Los niños que faltan mucho se quedan atrás y les cuesta "
           "ponerse al día.\n\n"
           "Usted puede ayudar. Hable con {student} sobre la escuela. Planee con tiempo "
           "el transporte y las citas médicas. Si algo hace difícil venir a la escuela, "
           "díganoslo. Queremos ayudar.\n\n"
           "Gracias,\n{school}"),
    "fr": ("{student} a manqué {absences} jours d'école cette année",
           "Bonjour {guardian},\n\n"
           "{student} a manqué {absences} jours d'école sur {days} cette année. En "
           "{grade}e année dans notre école, un élève a manqué en général {typical} "
           "jour(s) jusqu'ici.\n\n"
           "Chaque jour compte. Les enfants qui manquent souvent prennent du retard, et "
           "c'est difficile à rattraper.\n\n"
           "Vous pouvez aider. Parlez de l'école avec {student}. Prévoyez à l'avance les "
           "trajets et les rendez-vous chez le médecin. Si quelque chose empêche de venir "
           "à l'école, dites-le-nous. Nous voulons aider.\n\n"
           "Merci,\n{school}"),
    "cs": ("{student}: počet zameškaných dní letos je {absences}",
           "Dobrý den, {guardian},\n\n"
           "{student} letos zameškal(a) několik dní ve škole. Počet zameškaných dní: "
           "{absences} (školních dní celkem: {days}). Běžný žák {grade}. ročníku naší "
           "školy zatím zameškal tento počet dní: {typical}.\n\n"
           "Každý den se počítá. Kdo hodně chybí, zaostává a těžko to dohání.\n\n"
           "Vy můžete pomoci. Mluvte s dítětem o škole. Plánujte dopředu cestu do školy "
           "a návštěvy u lékaře. Pokud něco brání chodit do školy, řekněte nám to. Chceme "
           "pomoci.\n\n"
           "Děkujeme,\n{school}"),
    "de": ("{student} hat in diesem Schuljahr {absences} Tage gefehlt",
           "Guten Tag {guardian},\n\n"
           "{student} hat in diesem Schuljahr {absences} von {days} Schultagen gefehlt. "
           "In Klassenstufe {grade} an unserer Schule fehlt ein Kind bisher meist "
           "{typical} Tag(e).\n\n"
           "Jeder Tag zählt. Kinder, die oft fehlen, kommen im Unterricht nicht mit und "
           "holen das schwer auf.\n\n"
           "Sie können helfen. Sprechen Sie mit {student} über die Schule. Planen Sie "
           "Wege und Arzttermine früh. Wenn etwas den Schulbesuch schwer macht, sagen Sie "
           "es uns. Wir wollen helfen.\n\n"
           "Vielen Dank\n{school}"),
    "hu": ("{student} idén {absences} napot hiányzott az iskolából",
           "Kedves {guardian}!\n\n"
           "{student} idén {absences} napot hiányzott, összesen {days} tanítási napból. "
           "Iskolánkban a(z) {grade}. évfolyamon egy átlagos diák eddig {typical} napot "
           "hiányzott.\n\n"
           "Minden nap számít. Aki sokat hiányzik, lemarad, és nehéz behoznia.\n\n"
           "Ön tud segíteni. Beszélgessen gyermekével az iskoláról. Tervezze "
           "meg előre az utazást és az orvosi időpontokat. Ha valami megnehezíti az "
           "iskolába járást, szóljon nekünk. Segíteni szeretnénk.\n\n"
           "Köszönjük,\n{school}"),
    "fa": ("{student} امسال {absences} روز از مدرسه غایب بوده است",
           "{guardian} گرامی،\n\n"
           "{student} امسال {absences} روز از {days} روز درسی غایب بوده است. در مدرسه ما، "
           "یک دانش‌آموز معمولی در پایه {grade} تا حالا {typical} روز غایب بوده است.\n\n"
           "هر روز مهم است. کودکانی که زیاد غایب می‌شوند از درس عقب می‌مانند و جبران آن "
           "سخت است.\n\n"
           "شما می‌توانید کمک کنید. با {student} درباره مدرسه صحبت کنید. رفت‌وآمد و وقت "
           "دکتر را از قبل برنامه‌ریزی کنید. اگر چیزی آمدن به مدرسه را سخت می‌کند، به ما "
           "بگویید. ما می‌خواهیم کمک کنیم.\n\n"
           "با سپاس،\n{school}"),
    "zh_Hans": ("{student}今年已缺课{absences}天",
                "{guardian}，您好：\n\n"
                "{student}今年已缺课{absences}天（共{days}个上学日）。在我校{grade}年级，"
                "学生到目前为止一般缺课{typical}天。\n\n"
                "每一天都很重要。经常缺课的孩子会跟不上，很难补回来。\n\n"
                "您可以帮忙。和{student}聊聊学校的事。提前安排好上学路上和看病的时间。"
                "如果有什么事让孩子很难来上学，请告诉我们。我们愿意帮忙。\n\n"
                "谢谢！\n{school}"),
}

STEP_UP = {
    "en": ("Let's talk about {student}'s attendance",
           "Dear {guardian},\n\n"
           "{student} has now missed {absences} of {days} school days this year. A typical "
           "student in grade {grade} at our school has missed {typical}.\n\n"
           "Missing this much school makes it hard to learn. We would like to meet with "
           "you and find a way to help. Our counsellor will call you soon. You can also "
           "reply to this message or call the school to choose a time.\n\n"
           "You can help. Ask {student} what makes it hard to come to school, and tell us "
           "what you hear.\n\n"
           "Thank you,\n{school}"),
    "es": ("Hablemos de la asistencia de {student}",
           "Estimado/a {guardian}:\n\n"
           "{student} ya ha faltado {absences} de {days} días de clase este año. En "
           "{grade}.º grado de nuestra escuela, lo normal hasta ahora es faltar {typical} "
           "día(s).\n\n"
           "Faltar tanto hace difícil aprender. Nos gustaría reunirnos con usted para "
           "buscar juntos cómo ayudar. Nuestro orientador le llamará pronto. También puede "
           "responder a este mensaje o llamar a la escuela para elegir una hora.\n\n"
           "Usted puede ayudar. Pregunte a {student} qué le hace difícil venir a la "
           "escuela y cuéntenoslo.\n\n"
           "Gracias,\n{school}"),
    "fr": ("Parlons de l'assiduité de {student}",
           "Bonjour {guardian},\n\n"
           "{student} a maintenant manqué {absences} jours d'école sur {days} cette année. "
           "En {grade}e année dans notre école, un élève a manqué en général {typical} "
           "jour(s) jusqu'ici.\n\n"
           "Manquer autant l'école rend l'apprentissage difficile. Nous aimerions vous "
           "rencontrer pour trouver ensemble comment aider. Notre conseiller vous appellera "
           "bientôt. Vous pouvez aussi répondre à ce message ou appeler l'école pour choisir "
           "un moment.\n\n"
           "Vous pouvez aider. Demandez à {student} ce qui rend difficile de venir à "
           "l'école, et dites-le-nous.\n\n"
           "Merci,\n{school}"),
    "cs": ("Pojďme si promluvit o docházce: {student}",
           "Dobrý den, {guardian},\n\n"
           "{student} letos zameškal(a) už hodně dní ve škole. Počet zameškaných dní: "
           "{absences} (školních dní celkem: {days}). Běžný žák {grade}. ročníku naší "
           "školy zatím zameškal tento počet dní: {typical}.\n\n"
           "Když dítě tolik chybí, těžko se učí. Rádi bychom se s vámi sešli a společně "
           "našli, jak pomoci. Náš výchovný poradce vám brzy zavolá. Můžete také odpovědět "
           "na tuto zprávu nebo zavolat do školy a domluvit si čas.\n\n"
           "Vy můžete pomoci. Zeptejte se dítěte, co mu brání chodit do školy, a řekněte "
           "nám to.\n\n"
           "Děkujeme,\n{school}"),
    "de": ("Lassen Sie uns über die Anwesenheit von {student} sprechen",
           "Guten Tag {guardian},\n\n"
           "{student} hat in diesem Schuljahr schon {absences} von {days} Schultagen "
           "gefehlt. In Klassenstufe {grade} an unserer Schule fehlt ein Kind bisher meist "
           "{typical} Tag(e).\n\n"
           "Wer so viel fehlt, kann schwer lernen. Wir möchten uns gern mit Ihnen treffen "
           "und gemeinsam einen Weg finden. Unsere Beratungslehrkraft ruft Sie bald an. "
           "Sie können auch auf diese Nachricht antworten oder die Schule anrufen, um "
           "einen Termin zu finden.\n\n"
           "Sie können helfen. Fragen Sie {student}, was den Schulbesuch schwer macht, "
           "und erzählen Sie es uns.\n\n"
           "Vielen Dank\n{school}"),
    "hu": ("Beszéljünk {student} hiányzásairól",
           "Kedves {guardian}!\n\n"
           "{student} idén már {absences} napot hiányzott, összesen {days} tanítási "
           "napból. Iskolánkban a(z) {grade}. évfolyamon egy átlagos diák eddig {typical} "
           "napot hiányzott.\n\n"
           "Ennyi hiányzással nehéz tanulni. Szeretnénk találkozni Önnel, hogy együtt "
           "megtaláljuk, hogyan segíthetünk. Iskolai tanácsadónk hamarosan felhívja. "
           "Válaszolhat erre az üzenetre is, vagy hívja az iskolát, hogy időpontot "
           "egyeztessünk.\n\n"
           "Ön tud segíteni. Kérdezze meg gyermekét, mi nehezíti az iskolába "
           "járást, és mondja el nekünk.\n\n"
           "Köszönjük,\n{school}"),
    "fa": ("بیایید درباره حضور {student} در مدرسه صحبت کنیم",
           "{guardian} گرامی،\n\n"
           "{student} امسال تا حالا {absences} روز از {days} روز درسی غایب بوده است. در "
           "مدرسه ما، یک دانش‌آموز معمولی در پایه {grade} تا حالا {typical} روز غایب بوده "
           "است.\n\n"
           "با این همه غیبت، یاد گرفتن سخت است. دوست داریم با شما دیدار کنیم تا با هم راهی "
           "برای کمک پیدا کنیم. مشاور مدرسه به‌زودی با شما تماس می‌گیرد. می‌توانید به این "
           "پیام پاسخ دهید یا به مدرسه زنگ بزنید تا وقتی را انتخاب کنیم.\n\n"
           "شما می‌توانید کمک کنید. از {student} بپرسید چه چیزی آمدن به مدرسه را سخت "
           "می‌کند و به ما بگویید.\n\n"
           "با سپاس،\n{school}"),
    "zh_Hans": ("我们想和您谈谈{student}的出勤情况",
                "{guardian}，您好：\n\n"
                "{student}今年已缺课{absences}天（共{days}个上学日）。在我校{grade}年级，"
                "学生到目前为止一般缺课{typical}天。\n\n"
                "缺课这么多，学习会很困难。我们希望和您见面，一起想办法帮助孩子。"
                "学校辅导老师会尽快给您打电话。您也可以回复这条消息，或给学校打电话约个时间。\n\n"
                "您可以帮忙。问问{student}是什么让上学变得困难，然后告诉我们。\n\n"
                "谢谢！\n{school}"),
}

TEXTS = {"nudge": NUDGE, "step_up": STEP_UP}


def nudge_text(level: str, language: str, *, fallback: str = "en", **fields) -> tuple[str, str]:
    """Return the subject and body of a nudge in the language (else the fallback), filled in."""
    texts = TEXTS[level]
    subject, body = texts.get(language) or texts[fallback]
    return subject.format(**fields), body.format(**fields)
