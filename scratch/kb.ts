import { loadToolData } from "../src/tools/index.js";
const data = loadToolData();
for (const m of ["¿tienen seguro de auto?", "¿cuál es el horario de atención?", "¿aceptan tarjeta de crédito?", "¿cuánto cuesta el envío a Mérida?", "¿puedo pagar en efectivo?", "¿cuánto dura la garantía?", "¿ustedes venden motos?","¿tienen estacionamiento?"]) 
  console.log(m, JSON.stringify(data.knowledge.search(m).passages.map(p=>p.id+":"+p.score)));
const r = data.catalog.search({make:"Volkswagen", model:"Jetta", year_min:2024, year_max:2024});
console.log(r.status, r.relaxed, r.cars.map(c=>[c.make,c.model,c.year,c.price,c.km]));
console.log(data.catalog.search({make:"Volkswagen", model:"Sedán"}).cars.map(c=>[c.make,c.model,c.year,c.price,c.km, c.stock_id]));
console.log(data.catalog.search({make:"Nissan", model:"Versa", year_min:2020, year_max:2020}).cars.map(c=>[c.make,c.model,c.year,c.price,c.km, c.version]));
