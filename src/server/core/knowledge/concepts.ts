import { fold } from './escalation.js'

// Everyday customer-service concepts and the words customers and businesses use for them, in
// English, French and Spanish (folded: lower case, no accents). A customer's word in a concept
// brings every word of it into the built-in responder's search ("kids" finds "children under
// 12", "call off" finds "cancellation", "plastic" finds "card"), whatever language the business
// writes in. Only general vocabulary shared by small businesses of every kind: never one
// business's items. Words of several words ("call off", "sans rendez-vous") are read as one by
// `joinPhrases` before the question is split into words.

interface Concept {
  en: string[]
  fr: string[]
  es: string[]
}

export const CONCEPTS: Concept[] = [
  // Bookings, and changing or cancelling them.
  {
    en: ['booking', 'book', 'booked', 'reservation', 'reserve', 'appointment', 'slot'],
    fr: ['reservation', 'reserver', 'rendez-vous', 'rdv', 'creneau'],
    es: ['reserva', 'reservar', 'cita', 'turno'],
  },
  {
    en: ['cancel', 'cancellation', 'cancelling', 'canceling', 'cancelled', 'call off', 'change my mind'],
    fr: ['annuler', 'annulation', 'annule', 'decommander', "change d'avis", "changer d'avis"],
    es: ['cancelar', 'cancelacion', 'anular', 'baja', 'darme de baja', 'dar de baja', 'cambio de opinion'],
  },
  {
    en: ['reschedule', 'rearrange', 'postpone', 'move', 'moved', 'rebook', 'change'],
    fr: ['deplacer', 'reporter', 'decaler', 'modifier', 'changer'],
    es: ['cambiar', 'mover', 'aplazar', 'posponer', 'reprogramar'],
  },
  {
    en: [
      'walkin',
      'walk-in',
      'walk-ins',
      'walk in',
      'drop in',
      'drop by',
      'pop in',
      'pop by',
      'without an appointment',
    ],
    fr: ['sans rendez-vous', 'sans rdv', 'sans reservation'],
    es: ['sin cita', 'sin reserva'],
  },
  {
    en: ['late', 'lateness', 'delay', 'delayed', 'running behind', 'running late'],
    fr: ['retard', 'en retard'],
    es: ['retraso', 'llegar tarde', 'retrasado'],
  },
  {
    en: ['deposit', 'down payment', 'upfront', 'prepay', 'prepayment'],
    fr: ['acompte', 'arrhes', 'caution'],
    es: ['deposito', 'senal', 'fianza', 'anticipo', 'adelanto'],
  },
  // People.
  {
    en: [
      'child',
      'children',
      'kid',
      'kids',
      'toddler',
      'baby',
      'babies',
      'infant',
      'son',
      'daughter',
      'boy',
      'girl',
      'little one',
      'minor',
      'minors',
      'junior',
      'under-12s',
    ],
    fr: ['enfant', 'enfants', 'bebe', 'bebes', 'fils', 'fille', 'gamin', 'mineur', 'mineurs'],
    es: ['nino', 'ninos', 'nina', 'ninas', 'hijo', 'hija', 'hijos', 'bebe', 'menor', 'menores', 'infantil'],
  },
  {
    en: ['men', 'man', 'gents', 'gentleman', 'male', 'guy', 'guys'],
    fr: ['homme', 'hommes', 'monsieur', 'messieurs'],
    es: ['hombre', 'hombres', 'caballero', 'caballeros', 'senor'],
  },
  {
    en: ['women', 'woman', 'ladies', 'lady', 'female'],
    fr: ['femme', 'femmes', 'dame', 'dames', 'madame'],
    es: ['mujer', 'mujeres', 'dama', 'damas', 'senora'],
  },
  {
    en: ['student', 'students', 'young', 'youth', 'senior', 'seniors', 'pensioner'],
    fr: ['etudiant', 'etudiants', 'jeune', 'jeunes', 'senior', 'retraite'],
    es: ['estudiante', 'estudiantes', 'joven', 'jovenes', 'jubilado', 'jubilados'],
  },
  {
    en: ['group', 'groups'],
    fr: ['groupe', 'groupes'],
    es: ['grupo', 'grupos'],
  },
  {
    en: ['pet', 'pets', 'dog', 'dogs', 'cat', 'cats', 'puppy', 'animal', 'animals'],
    fr: ['animal', 'animaux', 'chien', 'chiens', 'chat', 'chats', 'animaux de compagnie'],
    es: ['mascota', 'mascotas', 'perro', 'perros', 'gato', 'gatos', 'animal', 'animales'],
  },
  // Money.
  {
    en: [
      'pay',
      'paying',
      'payment',
      'payments',
      'card',
      'cards',
      'credit card',
      'debit card',
      'cash',
      'plastic',
      'contactless',
      'mobile money',
      'bank transfer',
      'cheque',
    ],
    fr: [
      'payer',
      'paiement',
      'regler',
      'reglement',
      'carte',
      'carte bancaire',
      'cb',
      'especes',
      'liquide',
      'cheque',
      'virement',
    ],
    es: ['pagar', 'pago', 'pagos', 'abonar', 'tarjeta', 'efectivo', 'contado', 'transferencia', 'datafono'],
  },
  {
    en: ['refund', 'refunds', 'refunded', 'money back', 'reimburse', 'return', 'returns'],
    fr: ['rembourser', 'remboursement', 'rembourse', 'retour', 'retours'],
    es: ['reembolso', 'devolver', 'devolucion', 'devoluciones', 'devuelven'],
  },
  {
    en: ['discount', 'discounts', 'deal', 'deals', 'promotion', 'reduced', 'cheaper', 'concession'],
    fr: ['reduction', 'remise', 'promotion', 'promo', 'tarif reduit', 'moins cher'],
    es: ['descuento', 'descuentos', 'oferta', 'promocion', 'rebaja', 'precio especial', 'mas barato'],
  },
  {
    en: ['gift', 'gifts', 'present', 'voucher', 'vouchers', 'gift card'],
    fr: ['cadeau', 'cadeaux', 'bon cadeau', 'carte cadeau'],
    es: ['regalo', 'regalos', 'tarjeta regalo', 'bono regalo', 'regalar'],
  },
  {
    en: ['guarantee', 'guaranteed', 'warranty'],
    fr: ['garantie', 'garanti'],
    es: ['garantia', 'garantizado'],
  },
  {
    en: ['membership', 'member', 'members', 'subscription', 'sign up', 'join'],
    fr: ['abonnement', 'adhesion', 'adherent', 'inscription', 'forfait', "s'inscrire"],
    es: [
      'cuota',
      'cuotas',
      'abono',
      'suscripcion',
      'membresia',
      'mensualidad',
      'socio',
      'socios',
      'apuntarme',
      'inscripcion',
    ],
  },
  {
    en: ['insurance', 'insured', 'covered'],
    fr: ['assurance', 'mutuelle'],
    es: ['seguro', 'mutua', 'aseguradora'],
  },
  // Getting things to and from the customer.
  {
    en: [
      'deliver',
      'delivery',
      'deliveries',
      'shipping',
      'ship',
      'courier',
      'send it',
      'bring it',
      'home delivery',
    ],
    fr: ['livrer', 'livraison', 'livrez', 'expedier', 'expedition', 'domicile', 'apporter', 'porter'],
    es: [
      'entrega',
      'entregar',
      'envio',
      'enviar',
      'envian',
      'domicilio',
      'mandar',
      'reparto',
      'llevar a casa',
    ],
  },
  {
    en: ['collect', 'collection', 'pick up', 'pickup', 'fetch'],
    fr: ['recuperer', 'retirer', 'venir chercher', 'enlevement'],
    es: ['recoger', 'recogida', 'ir a buscar', 'retirar'],
  },
  {
    en: ['takeaway', 'take away', 'take-away', 'takeout'],
    fr: ['a emporter', 'emporter'],
    es: ['para llevar'],
  },
  {
    en: ['parking', 'park', 'car park', 'car', 'cars', 'vehicle', 'garage'],
    fr: ['parking', 'garer', 'stationner', 'stationnement', 'voiture'],
    es: ['aparcamiento', 'aparcar', 'estacionar', 'estacionamiento', 'parking', 'coche', 'carro'],
  },
  // Places and amenities.
  {
    en: ['wifi', 'wi-fi', 'internet', 'connection'],
    fr: ['wifi', 'internet', 'connexion'],
    es: ['wifi', 'internet', 'conexion'],
  },
  {
    en: [
      'wheelchair',
      'disabled',
      'disability',
      'accessible',
      'accessibility',
      'step-free',
      'lift',
      'elevator',
      'ramp',
      'stairs',
      'pram',
      'stroller',
    ],
    fr: [
      'fauteuil roulant',
      'handicap',
      'handicape',
      'accessible',
      'pmr',
      'ascenseur',
      'rampe',
      'poussette',
      'escaliers',
    ],
    es: [
      'silla de ruedas',
      'discapacidad',
      'accesible',
      'movilidad reducida',
      'ascensor',
      'rampa',
      'carrito',
      'escaleras',
    ],
  },
  {
    en: [
      'luggage',
      'baggage',
      'bags',
      'suitcase',
      'suitcases',
      'locker',
      'lockers',
      'belongings',
      'cloakroom',
    ],
    fr: ['bagages', 'bagagerie', 'valise', 'valises', 'consigne', 'casier', 'casiers', 'vestiaire'],
    es: ['equipaje', 'maleta', 'maletas', 'consigna', 'taquilla', 'taquillas', 'guardar', 'pertenencias'],
  },
  {
    en: ['swim', 'swimming', 'pool', 'bathe'],
    fr: ['piscine', 'nager', 'baignade', 'baigner'],
    es: ['piscina', 'nadar', 'natacion', 'banarse'],
  },
  {
    en: ['toilet', 'toilets', 'restroom', 'bathroom', 'wc'],
    fr: ['toilettes', 'wc'],
    es: ['aseo', 'aseos', 'bano', 'banos'],
  },
  {
    en: ['smoke', 'smoking', 'cigarette', 'vape'],
    fr: ['fumer', 'fumeur', 'fumeurs', 'cigarette'],
    es: ['fumar', 'fumadores', 'cigarrillo'],
  },
  {
    en: ['breakfast'],
    fr: ['petit-dejeuner', 'petit dejeuner'],
    es: ['desayuno'],
  },
  {
    en: ['check-in', 'check in', 'arrival', 'arrive', 'arriving'],
    fr: ['arrivee', 'arriver', 'enregistrement'],
    es: ['llegada', 'llegar'],
  },
  {
    en: ['check-out', 'check out', 'checkout', 'departure'],
    fr: ['depart', 'partir', 'liberer'],
    es: ['salida', 'salir', 'irme', 'dejar la habitacion'],
  },
  // Food and diets.
  {
    en: ['vegetarian', 'vegan', 'meat-free', 'plant-based', 'no meat'],
    fr: ['vegetarien', 'vegetarienne', 'vegan', 'vegetalien', 'sans viande'],
    es: ['vegetariano', 'vegetariana', 'vegano', 'vegana', 'sin carne'],
  },
  {
    en: ['gluten-free', 'gluten', 'celiac', 'coeliac'],
    fr: ['sans gluten', 'gluten', 'coeliaque'],
    es: ['sin gluten', 'gluten', 'celiaco', 'celiaca'],
  },
  {
    en: ['allergy', 'allergies', 'allergic', 'allergen', 'allergens', 'intolerance'],
    fr: ['allergie', 'allergies', 'allergique', 'allergene', 'allergenes', 'intolerance'],
    es: ['alergia', 'alergias', 'alergico', 'alergeno', 'alergenos', 'intolerancia'],
  },
  {
    en: ['dessert', 'desserts', 'sweet', 'sweets', 'pudding'],
    fr: ['dessert', 'desserts'],
    es: ['postre', 'postres', 'dulce', 'dulces'],
  },
  {
    en: ['drink', 'drinks', 'beverage', 'alcohol', 'beer', 'wine'],
    fr: ['boisson', 'boissons', 'alcool', 'biere', 'vin'],
    es: ['bebida', 'bebidas', 'alcohol', 'cerveza', 'vino'],
  },
  // Occasions and time.
  {
    en: ['party', 'parties', 'celebration', 'event', 'events', 'birthday', 'wedding', 'gathering'],
    fr: ['fete', 'fetes', 'anniversaire', 'mariage', 'evenement', 'soiree', 'celebration'],
    es: ['fiesta', 'fiestas', 'cumpleanos', 'boda', 'evento', 'eventos', 'celebracion'],
  },
  {
    en: ['weekend', 'weekends', 'saturday', 'sunday'],
    fr: ['week-end', 'weekend', 'samedi', 'dimanche'],
    es: ['fin de semana', 'finde', 'sabado', 'domingo'],
  },
  {
    en: ['weekday', 'weekdays', 'during the week', 'monday', 'friday'],
    fr: ['en semaine', 'lundi', 'vendredi'],
    es: ['entre semana', 'lunes', 'viernes'],
  },
  {
    en: ['holiday', 'holidays', 'bank holiday', 'public holiday'],
    fr: ['ferie', 'feries', 'jour ferie', 'jours feries'],
    es: ['festivo', 'festivos', 'feriado', 'feriados'],
  },
  {
    en: ['emergency', 'urgent', 'urgently', 'same day', 'same-day', 'asap'],
    fr: ['urgence', 'urgent', 'urgente', 'dans la journee'],
    es: ['urgencia', 'urgente', 'el mismo dia'],
  },
  // Services.
  {
    en: ['repair', 'repairs', 'fix', 'fixed', 'broken', 'mend', 'puncture'],
    fr: ['reparer', 'reparation', 'reparations', 'casse', 'cassee', 'panne', 'crevaison'],
    es: [
      'reparar',
      'reparacion',
      'reparaciones',
      'arreglar',
      'arreglo',
      'roto',
      'rota',
      'averia',
      'pinchazo',
      'pinchada',
    ],
  },
  {
    en: ['rent', 'rental', 'renting', 'hire', 'hiring', 'borrow', 'borrowing', 'loan', 'lend'],
    fr: ['louer', 'location', 'emprunter', 'emprunt', 'pret', 'preter'],
    es: ['alquilar', 'alquiler', 'alquilan', 'prestar', 'prestamo', 'rentar'],
  },
  {
    en: ['trainer', 'coach', 'instructor', 'teacher', 'lesson', 'lessons', 'class', 'classes', 'course'],
    fr: ['coach', 'entraineur', 'moniteur', 'professeur', 'cours', 'lecon', 'lecons'],
    es: ['entrenador', 'monitor', 'profesor', 'clase', 'clases', 'curso', 'rutina'],
  },
  {
    en: ['id', 'identification', 'passport', 'identity card', 'licence', 'license', 'documents'],
    fr: ["piece d'identite", "carte d'identite", 'passeport', 'permis'],
    es: ['dni', 'pasaporte', 'documento', 'identificacion', 'carnet', 'identidad'],
  },
  {
    en: ['nervous', 'anxious', 'scared', 'afraid', 'fear', 'worried'],
    fr: ['peur', 'anxieux', 'anxieuse', 'stresse', 'angoisse'],
    es: ['miedo', 'nervioso', 'nerviosa', 'ansiedad'],
  },
  {
    en: ['bike', 'bikes', 'bicycle', 'bicycles', 'cycle', 'cycling'],
    fr: ['velo', 'velos', 'bicyclette', 'bicyclettes'],
    es: ['bici', 'bicis', 'bicicleta', 'bicicletas'],
  },
  {
    en: ['brand', 'brands', 'product', 'products'],
    fr: ['marque', 'marques', 'produit', 'produits'],
    es: ['marca', 'marcas', 'producto', 'productos'],
  },
  {
    en: ['colour', 'color', 'dye', 'dyed', 'tint'],
    fr: ['couleur', 'coloration', 'teinture'],
    es: ['color', 'tinte', 'tintura', 'coloracion'],
  },
  // Eating out.
  {
    en: ['menu', 'dishes', 'dish', 'food', 'meal', 'meals', 'eat', 'cuisine'],
    fr: ['menu', 'carte', 'plat', 'plats', 'repas', 'cuisine', 'manger'],
    es: ['menu', 'carta', 'plato', 'platos', 'comida', 'comidas', 'cocina', 'comer'],
  },
  {
    en: ['spicy', 'hot', 'chilli', 'chili', 'pepper'],
    fr: ['epice', 'epicee', 'piquant', 'piment'],
    es: ['picante', 'picoso', 'chile', 'guindilla'],
  },
  { en: ['halal', 'kosher', 'pork'], fr: ['halal', 'casher', 'porc'], es: ['halal', 'kosher', 'cerdo'] },
  { en: ['coffee', 'tea', 'espresso'], fr: ['cafe', 'expresso'], es: ['cafe', 'infusion'] },
  {
    en: ['tip', 'tips', 'service charge', 'gratuity'],
    fr: ['pourboire', 'service compris'],
    es: ['propina', 'propinas'],
  },
  {
    en: ['bill', 'receipt', 'invoice'],
    fr: ['addition', 'facture', 'recu', 'ticket'],
    es: ['cuenta', 'factura', 'recibo', 'ticket'],
  },
  {
    en: ['outside', 'outdoor', 'outdoors', 'terrace', 'garden', 'patio', 'rooftop', 'balcony'],
    fr: ['dehors', 'exterieur', 'terrasse', 'jardin', 'balcon'],
    es: ['fuera', 'afuera', 'exterior', 'terraza', 'jardin', 'patio', 'balcon'],
  },
  {
    en: ['music', 'live music', 'band', 'dj'],
    fr: ['musique', 'concert', 'groupe live'],
    es: ['musica', 'concierto', 'en vivo', 'en directo'],
  },
  {
    en: ['lunch', 'dinner', 'supper', 'brunch'],
    fr: ['dejeuner', 'diner', 'souper', 'brunch'],
    es: ['almuerzo', 'cena', 'comida', 'brunch'],
  },
  {
    en: ['high chair', 'highchair', 'booster seat', 'cot', 'crib', 'extra bed'],
    fr: ['chaise haute', 'rehausseur', 'lit bebe', 'berceau', 'lit supplementaire'],
    es: ['trona', 'cuna', 'cama supletoria', 'cama extra'],
  },
  // Health and care.
  {
    en: ['pain', 'painful', 'hurts', 'hurt', 'ache', 'aching', 'sore', 'toothache', 'swollen', 'bleeding'],
    fr: ['douleur', 'douloureux', 'mal', 'saigne', 'gonfle'],
    es: ['dolor', 'duele', 'doliendo', 'molestia', 'sangra', 'hinchado'],
  },
  {
    en: ['checkup', 'check-up', 'exam', 'examination', 'consultation', 'assessment', 'visit', 'inspection'],
    fr: ['controle', 'bilan', 'examen', 'consultation', 'visite'],
    es: ['revision', 'chequeo', 'examen', 'consulta', 'visita', 'control'],
  },
  {
    en: ['doctor', 'dentist', 'nurse', 'specialist', 'therapist', 'practitioner', 'vet'],
    fr: ['medecin', 'docteur', 'dentiste', 'infirmier', 'specialiste', 'praticien', 'veterinaire'],
    es: ['medico', 'doctor', 'doctora', 'dentista', 'enfermero', 'especialista', 'veterinario'],
  },
  {
    en: ['teeth', 'tooth', 'dental', 'gums', 'smile'],
    fr: ['dent', 'dents', 'dentaire', 'gencives', 'sourire'],
    es: ['diente', 'dientes', 'dental', 'encias', 'sonrisa', 'muela', 'muelas'],
  },
  {
    en: ['whitening', 'whiten', 'bleaching', 'white', 'yellow', 'stains'],
    fr: ['blanchiment', 'blanchir', 'blanches', 'jaunes', 'taches'],
    es: ['blanqueamiento', 'blanquear', 'blancos', 'amarillos', 'manchas'],
  },
  {
    en: ['braces', 'aligners', 'orthodontics', 'orthodontist', 'straighten', 'crooked'],
    fr: ['appareil dentaire', 'orthodontie', 'orthodontiste', 'aligneurs', 'redresser'],
    es: ['brackets', 'ortodoncia', 'ortodoncista', 'alineadores', 'enderezar', 'torcidos'],
  },
  {
    en: ['cleaning', 'clean', 'hygienist', 'scale', 'polish', 'descaling'],
    fr: ['detartrage', 'nettoyage', 'hygieniste'],
    es: ['limpieza', 'limpiar', 'higienista'],
  },
  {
    en: ['anaesthetic', 'anesthetic', 'numb', 'sedation', 'injection', 'needle'],
    fr: ['anesthesie', 'anesthesiant', 'sedation', 'piqure', 'aiguille'],
    es: ['anestesia', 'sedacion', 'inyeccion', 'aguja'],
  },
  {
    en: ['prescription', 'medicine', 'medication', 'pills', 'drugs'],
    fr: ['ordonnance', 'medicament', 'medicaments'],
    es: ['receta', 'medicamento', 'medicamentos', 'medicina', 'pastillas'],
  },
  {
    en: ['x-ray', 'xray', 'scan', 'radiograph'],
    fr: ['radio', 'radiographie'],
    es: ['radiografia', 'rayos x'],
  },
  // Staying overnight.
  {
    en: ['room', 'rooms', 'bedroom', 'suite', 'accommodation', 'stay', 'night', 'nights', 'sleep'],
    fr: ['chambre', 'chambres', 'suite', 'hebergement', 'sejour', 'nuit', 'nuits', 'dormir', 'nuitee'],
    es: ['habitacion', 'habitaciones', 'suite', 'alojamiento', 'estancia', 'noche', 'noches', 'dormir'],
  },
  {
    en: ['double', 'twin', 'single', 'bed', 'beds'],
    fr: ['double', 'lits jumeaux', 'simple', 'lit', 'lits'],
    es: ['doble', 'individual', 'cama', 'camas'],
  },
  {
    en: ['view', 'views', 'lake', 'sea', 'beach', 'mountain', 'mountains'],
    fr: ['vue', 'lac', 'mer', 'plage', 'montagne', 'montagnes'],
    es: ['vista', 'vistas', 'lago', 'mar', 'playa', 'montana', 'montanas'],
  },
  {
    en: ['towel', 'towels', 'sheets', 'linen', 'bedding', 'toiletries', 'hairdryer', 'hair dryer'],
    fr: ['serviette', 'serviettes', 'draps', 'linge', 'seche-cheveux'],
    es: ['toalla', 'toallas', 'sabanas', 'ropa de cama', 'secador'],
  },
  {
    en: ['air conditioning', 'aircon', 'air-conditioning', 'heating', 'heater', 'fan', 'cold', 'warm'],
    fr: ['climatisation', 'clim', 'chauffage', 'ventilateur', 'froid', 'chaud'],
    es: ['aire acondicionado', 'climatizacion', 'calefaccion', 'ventilador', 'frio', 'calor'],
  },
  {
    en: ['laundry', 'washing machine', 'washing', 'ironing', 'iron'],
    fr: ['laverie', 'blanchisserie', 'lave-linge', 'repassage', 'lessive'],
    es: ['lavanderia', 'lavadora', 'planchado', 'plancha'],
  },
  {
    en: ['kitchen', 'kitchenette', 'cook', 'cooking', 'fridge', 'microwave'],
    fr: ['cuisine', 'kitchenette', 'cuisiner', 'frigo', 'refrigerateur', 'micro-ondes'],
    es: ['cocina', 'cocinar', 'nevera', 'frigorifico', 'microondas'],
  },
  {
    en: ['spa', 'sauna', 'massage', 'massages', 'jacuzzi', 'hot tub', 'wellness'],
    fr: ['spa', 'sauna', 'massage', 'massages', 'jacuzzi', 'bien-etre', 'hammam'],
    es: ['spa', 'sauna', 'masaje', 'masajes', 'jacuzzi', 'bienestar'],
  },
  {
    en: ['airport', 'station', 'shuttle', 'transfer', 'taxi', 'bus', 'train'],
    fr: ['aeroport', 'gare', 'navette', 'transfert', 'taxi', 'bus', 'train'],
    es: ['aeropuerto', 'estacion', 'lanzadera', 'traslado', 'taxi', 'autobus', 'tren'],
  },
  {
    en: ['quiet', 'noise', 'noisy', 'loud'],
    fr: ['calme', 'bruit', 'bruyant'],
    es: ['tranquilo', 'ruido', 'ruidoso'],
  },
  {
    en: ['safe', 'safety', 'secure', 'security', 'lock', 'locks'],
    fr: ['coffre', 'coffre-fort', 'securite', 'antivol', 'cadenas'],
    es: ['caja fuerte', 'seguridad', 'candado', 'antirrobo'],
  },
  // Shops and hire.
  {
    en: ['stock', 'in stock', 'available', 'availability', 'sold out'],
    fr: ['stock', 'en stock', 'disponible', 'disponibilite', 'epuise'],
    es: ['stock', 'existencias', 'disponible', 'disponibilidad', 'agotado'],
  },
  {
    en: ['order', 'orders', 'pre-order', 'preorder'],
    fr: ['commande', 'commander', 'precommande'],
    es: ['pedido', 'pedidos', 'encargo', 'encargar'],
  },
  {
    en: ['size', 'sizes', 'fit', 'height', 'tall', 'small', 'large'],
    fr: ['taille', 'tailles', 'pointure', 'hauteur'],
    es: ['talla', 'tallas', 'medida', 'altura', 'alto', 'pequeno'],
  },
  { en: ['helmet', 'helmets'], fr: ['casque', 'casques'], es: ['casco', 'cascos'] },
  {
    en: ['electric', 'e-bike', 'ebike', 'battery', 'charge', 'charging', 'charger'],
    fr: ['electrique', 'batterie', 'recharge', 'recharger', 'chargeur'],
    es: ['electrica', 'electrico', 'bateria', 'carga', 'cargar', 'cargador'],
  },
  {
    en: ['second-hand', 'second hand', 'used', 'pre-owned', 'refurbished'],
    fr: ["d'occasion", 'occasion', 'reconditionne'],
    es: ['segunda mano', 'usado', 'usada', 'reacondicionado'],
  },
  {
    en: ['tour', 'tours', 'guided', 'guide', 'excursion', 'trip', 'route', 'routes'],
    fr: ['visite guidee', 'excursion', 'balade', 'randonnee', 'circuit', 'itineraire', 'guide'],
    es: ['tour', 'excursion', 'ruta', 'rutas', 'paseo', 'guia', 'visita guiada'],
  },
  { en: ['test ride', 'trial', 'test'], fr: ['essai', 'essayer', 'tester'], es: ['prueba', 'probar'] },
  {
    en: ['maintenance', 'tune-up', 'servicing', 'overhaul'],
    fr: ['entretien', 'revision', 'reglage'],
    es: ['mantenimiento', 'puesta a punto', 'revision'],
  },
]

/** A word's concepts are found with its light plural removed ("kids" → "kid", "animaux" → "animau"). */
const singular = (word: string) => word.replace(/(es|s|x)$/, '')

const BY_WORD = new Map<string, Concept[]>()
for (const concept of CONCEPTS)
  for (const term of [...concept.en, ...concept.fr, ...concept.es]) {
    if (term.includes(' ')) continue
    for (const key of new Set([term, singular(term)])) {
      const list = BY_WORD.get(key) ?? []
      if (!list.includes(concept)) list.push(concept)
      BY_WORD.set(key, list)
    }
  }

/** The concepts a single (folded) word belongs to. */
function conceptsOf(word: string): Concept[] {
  const w = fold(word)
  return BY_WORD.get(w) ?? BY_WORD.get(singular(w)) ?? []
}

/**
 * The words of a customer's word's concepts, as phrases separated by commas ("children, kids,
 * little one, …"), the word's own excluded; empty when it belongs to none.
 */
export function conceptPhrasesOf(word: string): string[] {
  const w = fold(word)
  const phrases = new Set(conceptsOf(w).flatMap((c) => [...c.en, ...c.fr, ...c.es]))
  phrases.delete(w)
  return [...phrases]
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Phrases of several words, longest first, each with the one word that stands for it. */
const PHRASES: [RegExp, string][] = CONCEPTS.flatMap((concept) =>
  (['en', 'fr', 'es'] as const).flatMap((language) => {
    const terms = concept[language]
    const single =
      terms.find((t) => /^[a-z0-9]+$/.test(t)) ??
      [...concept.en, ...concept.fr, ...concept.es].find((t) => /^[a-z0-9]+$/.test(t))
    if (!single) return []
    return terms.filter((t) => /[\s'-]/.test(t)).map((t): [string, string] => [t, single])
  }),
)
  .sort((a, b) => b[0].length - a[0].length)
  .map(([phrase, single]) => [
    new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(phrase)}(?![\\p{L}\\p{N}])`, 'gu'),
    single,
  ])

/** A folded text with each known phrase of several words ("call off") replaced by one word of its concept ("cancel"). */
export function joinPhrases(folded: string): string {
  let text = folded
  for (const [pattern, single] of PHRASES) text = text.replace(pattern, ` ${single} `)
  return text
}
