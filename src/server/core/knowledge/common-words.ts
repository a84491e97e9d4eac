// The everyday verbs (and a few nouns) of English, French and Spanish that say how a customer
// asks rather than what about: "can I LEAVE my car", "I'd like to CONNECT my laptop", "¿DÓNDE
// DEJO el coche?", "no me GUSTÓ lo que COMPRÉ". The built-in responder weighs them as it weighs
// intent words (they only break ties): a business rarely writes them, and counted as subjects
// they would make a question look out of scope because of its wording. They are compared as
// lexemes of the knowledge base's text-search configuration, so every conjugation its stemmer
// folds together is one ("connected", "connecting"; "compré", "comprar"). Words of an everyday
// concept (concepts.ts: "pay", "cancel", "book") are never weak.

/** By text-search configuration; a language without a list has none (its words stay subjects). */
export const COMMON_WORDS: Record<string, string> = {
  english: `
  be is are was were been have has had do does did doing say said says get got make made go went gone
  know knew see saw seen come came think look want give gave given use find found tell told ask asked
  work seem feel felt try call keep kept let begin help talk turn start show hear heard play run put
  like live believe hold held happen write sit stand lose lost meet met include continue set learn
  understand watch follow stop create speak read allow add spend grow walk win offer remember love
  consider appear buy bought wait serve send sent expect build stay fall reach remain suggest pass
  sell sold require decide pull forget forgot mean meant drop pick wear leave left connect plug bring
  brought stuff thing things someone somebody anyone anybody people person way place lot bit
  first last next little small big large new old good best better nice great other another same
  different whole only even again ever never always often sometimes now today tomorrow without very
  much many more most less enough really still also just
  sister brother mother mum mom father dad wife husband friend friends partner girlfriend boyfriend
  parents`,
  french: `
  etre est sont suis etes avoir ai avez ont faire fais fait faites dire dit aller vais allez voir
  vois voyez savoir sais savez pouvoir peux peut pouvez puis falloir faut vouloir veux voulez venir
  viens venez prendre prends prenez donner donne donnez parler mettre mets trouver trouve passer
  laisser laisse garder tenir sembler rester demander comprendre attendre sortir connaitre croire
  devoir dois doit recevoir penser aimer aime plaire plu utiliser acheter achete vendre proposer
  accepter brancher connecter manger boire chose choses truc quelqu'un quelqu'une gens personne
  facon endroit
  premier premiere dernier prochain petit petite grand grande nouveau vieux bon bonne meilleur autre
  meme seulement encore toujours jamais maintenant aujourd'hui demain sans tres plus moins
  si alors donc comment pourquoi quoi
  soeur frere mere pere mari ami amie amis copain copine parents`,
  spanish: `
  ser soy es son eres estar estoy esta estan haber he ha han tener tengo tiene tienen hacer hago
  hace hacen poder puedo puede pueden decir digo dice ir voy va van ver veo dar doy da dan saber se
  sabe querer quiero quiere pasar deber debo debe poner pongo parecer quedar quedo queda creer
  hablar llevar llevo dejar dejo deja seguir encontrar encuentro venir vengo pensar volver vuelvo
  tomar tomo conocer sentir tratar mirar contar empezar esperar buscar existir entrar trabajar
  escribir perder entender pedir recibir recordar terminar permitir conseguir servir sacar
  necesitar necesito mantener leer presentar crear acabar ganar traer traigo gustar gusta gusto
  gusto comprar compre compro vender usar uso ofrecer conectar preparar prepare cosa cosas alguien
  gente persona manera forma lugar sitio
  primero primera ultimo proximo pequeno pequena grande nuevo nueva viejo bueno buena mejor otro
  otra mismo misma solo siempre nunca ahora hoy manana sin muy mas menos
  hermana hermano madre padre mama papa esposa esposo marido amigo amiga amigos novio novia padres`,
}
